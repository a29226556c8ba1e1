// Types of the module the page loads as ./vendor/purify.js (served from the installed package).
export { default } from "dompurify";
