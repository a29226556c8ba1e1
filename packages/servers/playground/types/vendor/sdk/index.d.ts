// Types of the module the page loads as ./vendor/sdk/index.js (the SDK's build).
export * from "@gloo-toolkit/sdk";
