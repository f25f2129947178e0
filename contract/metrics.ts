/**
 * Metric names, labels and buckets (DESIGN.md "Metrics"): base units, no per-scan labels.
 * Buckets sit around the protocol's limits: 0.5 s entry, 0.8 s concession, 3-5 s funding.
 */
export const MetricNames = {
  serviceDuration: 'ghostfleet_service_duration_seconds',
  sojournDuration: 'ghostfleet_sojourn_duration_seconds',
  scheduleLag: 'ghostfleet_schedule_lag_seconds',
  operations: 'ghostfleet_operations_total',
  queueLength: 'ghostfleet_queue_length',
  readerFrames: 'ghostfleet_reader_frames_total',
  planned: 'ghostfleet_planned_total',
  dropped: 'ghostfleet_dropped_total',
  ended: 'ghostfleet_ended_total',
  targetRate: 'ghostfleet_target_rate_per_minute',
  devicesUp: 'ghostfleet_devices_up',
} as const;

export const DEVICE_LABELS = ['device', 'kind', 'operation', 'outcome', 'source'] as const;

export const LATENCY_BUCKETS_SECONDS = [
  0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.65, 0.8, 1, 1.5, 2, 3, 4, 5, 7.5, 10, 20, 30,
] as const;

export const LAG_BUCKETS_SECONDS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
] as const;

export const READER_FRAME_RESULTS = ['ok', 'malformed', 'duplicate', 'noread'] as const;
