/** The analytics package's public surface: pure functions from events to findings and reports. */
export { computeSessionSignals, type SessionSignals } from './session-signals.ts';
export { detectRageClicks, findRageClicks, type RageClick } from './rage-clicks.ts';
export { detectDeadClicks, type DeadClick } from './dead-clicks.ts';
export { detectErrorClicks, type ErrorClick } from './error-clicks.ts';
export { analyzeForms, defaultFormOptions, type FieldUse, type FormOptions, type FormUse } from './form-dropoff.ts';
export { aggregateForms, type FieldSummary, type FormSummary } from './form-report.ts';
export { scrollDepthByPageView, type ScrollDepth } from './scroll-depth.ts';
export { splitPageViews, type PageView } from './page-views.ts';
export { matchesPagePattern, pageKey } from './page-key.ts';
export { clicksOf, type Click } from './events.ts';
export { classifyClickTarget, type ClickTargetKind } from './click-targets.ts';
export { defaultThresholds, resolveThresholds, type Thresholds } from './thresholds.ts';
export { computeFunnel, funnelProgress, StepMatcher, type FunnelResult, type FunnelStep, type TimelineEntry } from './funnel.ts';
export { computeCheckoutMetrics, type CheckoutEvent, type CheckoutMetrics } from './checkout-metrics.ts';
export { aggregateHeatmap, dayOf, elementCell, pageCell, splitDayRange, type CellRow } from './heatmap-grid.ts';
export { scrollBands, type ScrollBand } from './scroll-map.ts';
export { mergeSessionFormUses } from './form-merge.ts';
export { formUsesFromRows, type FormRow } from './form-rows.ts';
