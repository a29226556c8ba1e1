#!/usr/bin/env bash
# The platform quickstart's cURL commands, copied byte for byte from its sections "1) OAuth2 Token",
# "2) Chat Completion (non-stream)", "3) Chat Completion (SSE)" and "Minimal Health Checks" (A and B).
# The legacy pair has no cURL in the quickstart: those two commands are written from its Postman
# table ("API Test (legacy endpoint — /ai/v1/chat)"). Only the "### name" markers are ours, so a
# test can split the output.
#
# Needs GLOO_BASE, GLOO_CLIENT_ID, GLOO_CLIENT_SECRET and GLOO_MODEL, e.g. from `gloo emulator`;
# run it with `bash packages/servers/scripts/quickstart-curl.sh`. Needs curl and jq.
set -u
echo "### token"
TOKEN="$(curl -sS -u "$GLOO_CLIENT_ID:$GLOO_CLIENT_SECRET"   -H "Content-Type: application/x-www-form-urlencoded"   -d "grant_type=client_credentials&scope=api/access"   "$GLOO_BASE/oauth2/token" | jq -r '.access_token')"

echo "TOKEN acquired? ${#TOKEN} chars"
echo "### completion"
curl -sS -H "Authorization: Bearer $TOKEN"      -H "Content-Type: application/json"      "$GLOO_BASE/ai/v1/chat/completions"      -d '{
       "model": "'"$GLOO_MODEL"'",
       "messages": [{"role":"user","content":"Explain the seven seals in two concise sentences."}],
       "max_tokens": 256,
       "temperature": 0.7,
       "stream": false
     }' | jq .
echo "### sse"
curl -N   -H "Authorization: Bearer $TOKEN"   -H "Content-Type: application/json"   -H "Accept: text/event-stream"   "$GLOO_BASE/ai/v1/chat/completions"   -d '{
    "model": "'"$GLOO_MODEL"'",
    "messages": [{"role":"user","content":"Reply with only: STREAM-OK"}],
    "stream": true,
    "temperature": 0.0,
    "max_tokens": 8
  }'
echo "### health-a"
curl -sS -H "Authorization: Bearer $TOKEN"      -H "Content-Type: application/json"      "$GLOO_BASE/ai/v1/chat/completions"      -d '{
       "model": "'"$GLOO_MODEL"'",
       "messages": [{"role":"user","content":"Return EXACTLY this string and nothing else: PING-9473e0"}],
       "max_tokens": 8,
       "temperature": 0.0,
       "stream": false
     }' | jq .
echo "### health-b"
curl -sS -H "Authorization: Bearer $TOKEN"      -H "Content-Type: application/json"      "$GLOO_BASE/ai/v1/chat/completions"      -d '{
       "model": "'"$GLOO_MODEL"'",
       "messages": [{"role":"user","content":"Say ONE word that is exactly SUN."}],
       "n": 3,
       "temperature": 0.0
     }' | jq '.choices[].message.content'
echo "### legacy-post"
CHAT_ID="$(curl -sS -H "Content-Type: application/json" -H "Authorization: Bearer $TOKEN" \
  "$GLOO_BASE/ai/v1/chat" -d '{"query": "Your question about Revelation..."}' | jq -r '.chat_id')"
echo "chat_id: $CHAT_ID"
echo "### legacy-get"
curl -sS -H "Authorization: Bearer $TOKEN" "$GLOO_BASE/ai/v1/chat?chat_id=$CHAT_ID" | jq -c '.messages'
