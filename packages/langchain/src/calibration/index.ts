export {
  type CalibratedEstimate,
  type CalibrationStats,
  calibratedBudget,
  TokenCalibration,
  type TokenCalibrationOptions,
  type TrimCalibration,
} from "./token-calibration.js";
