export { type Runtime, type Scenario, type ScenarioContext, scenariosFor } from "./context.js";
export { coreScenarios } from "./core.js";
export { faultScenarios } from "./faults.js";
export { type HubRuntime, type HubScenarioContext, hubScenarios, hubScenariosFor } from "./hub.js";
export { type RecoveryContext, type RecoveryScenario, recoveryScenarios } from "./recovery.js";
export { type SocketIOContext, type SocketIOScenario, socketioScenarios } from "./socketio/index.js";
