import { isAbsolute, join } from "node:path";

/** Where gloo keeps the user's files (XDG Base Directory specification), each under `gloo/`. */
export interface UserDirs {
  /** `$XDG_CONFIG_HOME/gloo`, else `~/.config/gloo`: the config file and templates. */
  config: string | undefined;
  /** `$XDG_CACHE_HOME/gloo`, else `~/.cache/gloo`: the token cache. */
  cache: string | undefined;
  /** `$XDG_DATA_HOME/gloo`, else `~/.local/share/gloo`: logs and the repl's history. */
  data: string | undefined;
}

/**
 * The directories from the environment the command was given (never the process's own, so a test
 * that passes no HOME and no XDG variables writes nowhere). The specification ignores a relative
 * XDG path; without HOME either, the directory is undefined and the feature that needs it is off.
 */
export function userDirs(env: Readonly<Record<string, string | undefined>>): UserDirs {
  const home = absolute(env.HOME);
  const pick = (variable: string | undefined, fallback: string[]) => {
    const base = absolute(variable) ?? (home === undefined ? undefined : join(home, ...fallback));
    return base === undefined ? undefined : join(base, "gloo");
  };
  return {
    config: pick(env.XDG_CONFIG_HOME, [".config"]),
    cache: pick(env.XDG_CACHE_HOME, [".cache"]),
    data: pick(env.XDG_DATA_HOME, [".local", "share"]),
  };
}

function absolute(path: string | undefined): string | undefined {
  return path !== undefined && path !== "" && isAbsolute(path) ? path : undefined;
}
