export {
  createEmulator,
  type Emulator,
  type EmulatorOptions,
} from "./emulator/emulator.js";
export {
  FAULT_HEADER,
  type FaultSpec,
  parseFaults,
  RATE_FAULTS,
  type RateFault,
} from "./emulator/faults.js";
export { compileScript, type Script, type ScriptRule } from "./emulator/script.js";
export {
  DROP_CONNECTION,
  type FetchHandler,
  type RunningServer,
  type ServeOptions,
  serve,
} from "./node-server.js";
