// Types of the module the page loads as ./vendor/marked.js (served from the installed package).
export * from "marked";
