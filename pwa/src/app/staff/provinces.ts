// The desks' forms use the app's one province table (names and the statistics order).
export { PROVINCES, type Province } from "../provinces";
