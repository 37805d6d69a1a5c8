// Tests read messages in both languages: load English, as switching to it does in the app.
import { loadCatalogue } from "../src/app/i18n";

await loadCatalogue("en");
