// Presets (system prompt and parameters) kept in this browser's localStorage.
const KEY = "gloo-playground:presets";

/**
 * The saved presets; [] when none or unreadable.
 * @returns {Preset[]}
 */
export function loadPresets() {
  try {
    const value = JSON.parse(localStorage.getItem(KEY) ?? "[]");
    return Array.isArray(value) ? value.filter((preset) => typeof preset?.name === "string") : [];
  } catch {
    return [];
  }
}

/**
 * Saves `preset`, replacing one of the same name.
 * @param {Preset} preset
 */
export function savePreset(preset) {
  const presets = loadPresets().filter((other) => other.name !== preset.name);
  localStorage.setItem(KEY, JSON.stringify([...presets, preset]));
}

/**
 * Deletes the preset named `name`.
 * @param {string} name
 */
export function deletePreset(name) {
  localStorage.setItem(KEY, JSON.stringify(loadPresets().filter((preset) => preset.name !== name)));
}
