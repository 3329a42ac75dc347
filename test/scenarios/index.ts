export { coreScenarios } from "./core.js";
export { faultScenarios } from "./faults.js";
export { scenariosFor, type Runtime, type Scenario, type ScenarioContext } from "./context.js";
export { socketioScenarios, type SocketIOContext, type SocketIOScenario } from "./socketio/index.js";
export { recoveryScenarios, type RecoveryContext, type RecoveryScenario } from "./recovery.js";
export { hubScenarios, hubScenariosFor, type HubScenarioContext, type HubRuntime } from "./hub.js";
