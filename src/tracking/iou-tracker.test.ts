import { runTrackerConformance } from './testing/conformance.js';
import { IouTracker } from './iou-tracker.js';

runTrackerConformance('Greedy IoU tracker', ({ lostBufferSec }) => new IouTracker({ lostBufferSec }));
