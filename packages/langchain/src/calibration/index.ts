export type { ObservedPrompt } from "./ledger-prompts.js";
export {
  type CalibratedEstimate,
  type CalibratedEstimateOptions,
  type CalibrationKind,
  type CalibrationStats,
  calibratedBudget,
  type KindError,
  TokenCalibration,
  type TokenCalibrationOptions,
  type TrimCalibration,
} from "./token-calibration.js";
