/**
 * The names of the kinds the API serves, Vietnamese and English, and the lists of those kinds: all from src/core
 * (one table each, keyed by the full list of kinds). No zod here, so a page that needs only names stays small.
 */
export {
  ALERT_LABELS, CAMERA_KIND_LABELS, CLASS_LABELS, EVENT_LABELS, INCIDENT_LABELS, KIND_LABELS, RULE_LABELS, SEVERITY_LABELS, VIOLATION_LABELS,
  type ViEn, type ViolationLabel,
} from '../core/labels.js';
export { CAMERA_KINDS, RULE_KINDS, type CameraKind, type RuleKindName as RuleKind } from '../core/kinds.js';
export { ALERT_RECORD_KINDS, INCIDENT_TYPES, SEVERITIES, VIOLATION_KINDS, type IncidentType, type AlertRecordKind, type Severity, type ViolationKind } from '../core/violation.js';
export { EVENT_KINDS, type EventKind } from '../core/events.js';
export { OBJECT_CLASSES, VEHICLE_CLASSES, type ObjectClass, type VehicleClass } from '../core/classes.js';
export { PLATE_CATEGORIES, PLATE_MATCH_MODES, type PlateCategory } from '../core/plate.js';
export { COLOUR_LABELS, COLOUR_NAMES, type ColourName } from '../core/colours.js';
