export {
  DROP_CONNECTION,
  type FetchHandler,
  type RunningServer,
  type ServeOptions,
  serve,
} from "./node-server.js";
