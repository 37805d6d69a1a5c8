// Names for the generated OpenAPI types of the 绿蓉融 database and the ESG disclosure.
import type { components } from "../../api/schema";

type S = components["schemas"];
export type ListingApplication = S["ListingApplication"];
export type ListingApplicationCreate = S["ListingApplicationCreate"];
export type PublicListing = S["PublicListing"];
export type ListedPage = S["ListedPage"];
export type TaxonomyCatalogue = S["TaxonomyCatalogue"];
export type Benefit = S["Benefit"];
export type Esg = S["Esg"];
export type EsgPublicationState = S["EsgPublicationState"];
