// Type-checked only: what an app on the legacy frontend system would add.
// guide: runners legacy
