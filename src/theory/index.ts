/**
 * Mean-field theory of balanced networks and of their plasticity (Akil, Rosenbaum & Josić 2021; SPEC §2.7,
 * §2.9): balanced rates, spike-count covariances, rule drifts, weight fixed points and their stability.
 * @module
 */
export type { Matrix, MeanFieldNetwork } from './types.ts';
export { hzToKhz, khzToHz } from './types.ts';
export {
  SingularMatrixError,
  determinant,
  inverse,
  isSingular,
  matMul,
  matVec,
  solve,
  transpose,
} from './linalg.ts';
export {
  balanceCondition,
  balancedRates,
  externalDrive_kHz,
  meanFieldW,
  meanFieldWx,
  withInputRates,
  withWeights,
  type BalanceCheck,
  type WeightSetting,
} from './balanced.ts';
export { akilOpto3Pop, akilTwoPop } from './akil.ts';
export {
  asyncCovariance,
  asyncGamma,
  correlatedCovariance,
  correlatedGamma,
  countCorrelation,
  traceCovFromCountCov,
  type AsyncCovariance,
} from './covariance.ts';
export {
  alphaFromRho,
  classicalHebbRule,
  istdpRule,
  kohonenRule,
  ruleDrift,
  ruleDriftParts,
  softHebbRule,
  type DriftParts,
  type DriftState,
  type EventTerm,
  type PairRule,
} from './drift.ts';
export { derivative, findRoots, maximize, type Root } from './roots.ts';
export {
  classDrifts,
  driftJacobian,
  etaFromTimescale,
  homeostaticFixedPoint,
  integrateWeights,
  istdpClass,
  istdpEtaInJUnits,
  kohonenClass,
  kohonenDrift,
  kohonenFixedPointFromRate,
  kohonenFixedPoints,
  kohonenSaddleNode,
  linearStability,
  solveWeightFixedPoint,
  type HomeostaticTarget,
  type KohonenOptions,
  type PlasticClass,
  type WeightFixedPoint,
  type WeightTrajectory,
} from './weights.ts';
export {
  BINAS_TYPICAL,
  PG2006_VISUAL_ALL_TO_ALL,
  PG2006_VISUAL_NEAREST,
  cubicRealRoots,
  eulerStable,
  fixedPointCubic,
  gain as binasGain,
  infiniteInputLimit,
  nodeEigen,
  nodeFixedPoints,
  ruleDwDt,
  ruleFixedPoint,
  tripletToRule,
  validateBinasParams,
  weightsAtB,
  weightsAtRate,
  type BinasParams,
  type NodeEigen,
  type NodeFixedPoint,
  type NodeWeights,
  type RuleParams,
  type TripletParams,
} from './binas.ts';
export { integrateNode, type NodeRunOptions, type NodeRunResult } from './binasNode.ts';
export { bCondition, stabilityGrid, sufficiencyScore, sufficientBounds, sufficientCondition, type StabilityGrid } from './binasStability.ts';
