export { coreScenarios } from "./core.js";
export type { Scenario, ScenarioContext } from "./context.js";
