// Names for the generated OpenAPI types the screens use.
import type { components } from "./schema";

type S = components["schemas"];
export type Problem = S["Problem"];
export type FieldError = S["FieldError"];
export type CodeIssued = S["CodeIssued"];
export type Token = S["Token"];
export type Me = S["Me"];
export type FootprintCreate = S["FootprintCreate"];
export type Footprint = S["Footprint"];
export type Quote = S["Quote"];
export type Order = S["Order"];
export type OrderCreate = S["OrderCreate"];
export type Certificate = S["Certificate"];
export type CertificatePage = S["CertificatePage"];
export type Stats = S["Stats"];
export type StatRow = S["StatRow"];
export type Wallet = S["Wallet"];
export type BatchResult = S["BatchResult"];
export type Redemption = S["Redemption"];
