import * as z from 'zod/mini';
import { Country, Currency } from '../contracts/index.ts';

/**
 * Reference data served by `GET /v1/reference/countries|currencies` and used to validate
 * addresses, currencies and tax ids. Static: it changes with a release, not at run time. Parsed
 * with the contracts' schemas at module load, so a typo fails every test rather than one request.
 */

type RegionList = readonly (readonly [suffix: string, name: string])[];

function country(
  code: string,
  name: string,
  defaultCurrency: string,
  regions: RegionList = [],
): Country {
  return {
    code,
    name,
    default_currency: defaultCurrency,
    regions: regions.map(([suffix, regionName]) => ({
      code: `${code}-${suffix}`,
      name: regionName,
    })),
  };
}

const US_STATES: RegionList = [
  ['AL', 'Alabama'],
  ['AK', 'Alaska'],
  ['AZ', 'Arizona'],
  ['AR', 'Arkansas'],
  ['CA', 'California'],
  ['CO', 'Colorado'],
  ['CT', 'Connecticut'],
  ['DE', 'Delaware'],
  ['DC', 'District of Columbia'],
  ['FL', 'Florida'],
  ['GA', 'Georgia'],
  ['HI', 'Hawaii'],
  ['ID', 'Idaho'],
  ['IL', 'Illinois'],
  ['IN', 'Indiana'],
  ['IA', 'Iowa'],
  ['KS', 'Kansas'],
  ['KY', 'Kentucky'],
  ['LA', 'Louisiana'],
  ['ME', 'Maine'],
  ['MD', 'Maryland'],
  ['MA', 'Massachusetts'],
  ['MI', 'Michigan'],
  ['MN', 'Minnesota'],
  ['MS', 'Mississippi'],
  ['MO', 'Missouri'],
  ['MT', 'Montana'],
  ['NE', 'Nebraska'],
  ['NV', 'Nevada'],
  ['NH', 'New Hampshire'],
  ['NJ', 'New Jersey'],
  ['NM', 'New Mexico'],
  ['NY', 'New York'],
  ['NC', 'North Carolina'],
  ['ND', 'North Dakota'],
  ['OH', 'Ohio'],
  ['OK', 'Oklahoma'],
  ['OR', 'Oregon'],
  ['PA', 'Pennsylvania'],
  ['RI', 'Rhode Island'],
  ['SC', 'South Carolina'],
  ['SD', 'South Dakota'],
  ['TN', 'Tennessee'],
  ['TX', 'Texas'],
  ['UT', 'Utah'],
  ['VT', 'Vermont'],
  ['VA', 'Virginia'],
  ['WA', 'Washington'],
  ['WV', 'West Virginia'],
  ['WI', 'Wisconsin'],
  ['WY', 'Wyoming'],
];

const CA_PROVINCES: RegionList = [
  ['AB', 'Alberta'],
  ['BC', 'British Columbia'],
  ['MB', 'Manitoba'],
  ['NB', 'New Brunswick'],
  ['NL', 'Newfoundland and Labrador'],
  ['NS', 'Nova Scotia'],
  ['NT', 'Northwest Territories'],
  ['NU', 'Nunavut'],
  ['ON', 'Ontario'],
  ['PE', 'Prince Edward Island'],
  ['QC', 'Quebec'],
  ['SK', 'Saskatchewan'],
  ['YT', 'Yukon'],
];

const GB_NATIONS: RegionList = [
  ['ENG', 'England'],
  ['NIR', 'Northern Ireland'],
  ['SCT', 'Scotland'],
  ['WLS', 'Wales'],
];

const DE_LAENDER: RegionList = [
  ['BW', 'Baden-Württemberg'],
  ['BY', 'Bavaria'],
  ['BE', 'Berlin'],
  ['BB', 'Brandenburg'],
  ['HB', 'Bremen'],
  ['HH', 'Hamburg'],
  ['HE', 'Hesse'],
  ['NI', 'Lower Saxony'],
  ['MV', 'Mecklenburg-Western Pomerania'],
  ['NW', 'North Rhine-Westphalia'],
  ['RP', 'Rhineland-Palatinate'],
  ['SL', 'Saarland'],
  ['SN', 'Saxony'],
  ['ST', 'Saxony-Anhalt'],
  ['SH', 'Schleswig-Holstein'],
  ['TH', 'Thuringia'],
];

// Metropolitan regions only; the overseas ones are not listed (see REGIONS_COMPLETE).
const FR_REGIONS: RegionList = [
  ['ARA', 'Auvergne-Rhône-Alpes'],
  ['BFC', 'Bourgogne-Franche-Comté'],
  ['BRE', 'Brittany'],
  ['CVL', 'Centre-Val de Loire'],
  ['20R', 'Corsica'],
  ['GES', 'Grand Est'],
  ['HDF', 'Hauts-de-France'],
  ['IDF', 'Île-de-France'],
  ['NOR', 'Normandy'],
  ['NAQ', 'Nouvelle-Aquitaine'],
  ['OCC', 'Occitania'],
  ['PDL', 'Pays de la Loire'],
  ['PAC', "Provence-Alpes-Côte d'Azur"],
];

const ES_COMMUNITIES: RegionList = [
  ['AN', 'Andalusia'],
  ['AR', 'Aragon'],
  ['AS', 'Asturias'],
  ['IB', 'Balearic Islands'],
  ['PV', 'Basque Country'],
  ['CN', 'Canary Islands'],
  ['CB', 'Cantabria'],
  ['CL', 'Castile and León'],
  ['CM', 'Castilla–La Mancha'],
  ['CT', 'Catalonia'],
  ['CE', 'Ceuta'],
  ['EX', 'Extremadura'],
  ['GA', 'Galicia'],
  ['RI', 'La Rioja'],
  ['MD', 'Community of Madrid'],
  ['ML', 'Melilla'],
  ['MC', 'Region of Murcia'],
  ['NC', 'Navarre'],
  ['VC', 'Valencian Community'],
];

const NL_PROVINCES: RegionList = [
  ['DR', 'Drenthe'],
  ['FL', 'Flevoland'],
  ['FR', 'Friesland'],
  ['GE', 'Gelderland'],
  ['GR', 'Groningen'],
  ['LI', 'Limburg'],
  ['NB', 'North Brabant'],
  ['NH', 'North Holland'],
  ['OV', 'Overijssel'],
  ['ZH', 'South Holland'],
  ['UT', 'Utrecht'],
  ['ZE', 'Zeeland'],
];

const BE_REGIONS: RegionList = [
  ['BRU', 'Brussels-Capital Region'],
  ['VLG', 'Flanders'],
  ['WAL', 'Wallonia'],
];

const AT_STATES: RegionList = [
  ['1', 'Burgenland'],
  ['2', 'Carinthia'],
  ['3', 'Lower Austria'],
  ['4', 'Upper Austria'],
  ['5', 'Salzburg'],
  ['6', 'Styria'],
  ['7', 'Tyrol'],
  ['8', 'Vorarlberg'],
  ['9', 'Vienna'],
];

const IT_REGIONS: RegionList = [
  ['65', 'Abruzzo'],
  ['23', 'Aosta Valley'],
  ['75', 'Apulia'],
  ['77', 'Basilicata'],
  ['78', 'Calabria'],
  ['72', 'Campania'],
  ['45', 'Emilia-Romagna'],
  ['36', 'Friuli Venezia Giulia'],
  ['62', 'Lazio'],
  ['42', 'Liguria'],
  ['25', 'Lombardy'],
  ['57', 'Marche'],
  ['67', 'Molise'],
  ['21', 'Piedmont'],
  ['88', 'Sardinia'],
  ['82', 'Sicily'],
  ['32', 'Trentino-South Tyrol'],
  ['52', 'Tuscany'],
  ['55', 'Umbria'],
  ['34', 'Veneto'],
];

const CH_CANTONS: RegionList = [
  ['AG', 'Aargau'],
  ['AR', 'Appenzell Ausserrhoden'],
  ['AI', 'Appenzell Innerrhoden'],
  ['BL', 'Basel-Landschaft'],
  ['BS', 'Basel-Stadt'],
  ['BE', 'Bern'],
  ['FR', 'Fribourg'],
  ['GE', 'Geneva'],
  ['GL', 'Glarus'],
  ['GR', 'Graubünden'],
  ['JU', 'Jura'],
  ['LU', 'Lucerne'],
  ['NE', 'Neuchâtel'],
  ['NW', 'Nidwalden'],
  ['OW', 'Obwalden'],
  ['SH', 'Schaffhausen'],
  ['SZ', 'Schwyz'],
  ['SO', 'Solothurn'],
  ['SG', 'St. Gallen'],
  ['TG', 'Thurgau'],
  ['TI', 'Ticino'],
  ['UR', 'Uri'],
  ['VS', 'Valais'],
  ['VD', 'Vaud'],
  ['ZG', 'Zug'],
  ['ZH', 'Zurich'],
];

const DK_REGIONS: RegionList = [
  ['84', 'Capital Region of Denmark'],
  ['82', 'Central Denmark Region'],
  ['81', 'North Denmark Region'],
  ['85', 'Region Zealand'],
  ['83', 'Region of Southern Denmark'],
];

const JP_PREFECTURES: RegionList = [
  'Hokkaido',
  'Aomori',
  'Iwate',
  'Miyagi',
  'Akita',
  'Yamagata',
  'Fukushima',
  'Ibaraki',
  'Tochigi',
  'Gunma',
  'Saitama',
  'Chiba',
  'Tokyo',
  'Kanagawa',
  'Niigata',
  'Toyama',
  'Ishikawa',
  'Fukui',
  'Yamanashi',
  'Nagano',
  'Gifu',
  'Shizuoka',
  'Aichi',
  'Mie',
  'Shiga',
  'Kyoto',
  'Osaka',
  'Hyogo',
  'Nara',
  'Wakayama',
  'Tottori',
  'Shimane',
  'Okayama',
  'Hiroshima',
  'Yamaguchi',
  'Tokushima',
  'Kagawa',
  'Ehime',
  'Kochi',
  'Fukuoka',
  'Saga',
  'Nagasaki',
  'Kumamoto',
  'Oita',
  'Miyazaki',
  'Kagoshima',
  'Okinawa',
  // ISO 3166-2:JP numbers the prefectures 01–47 in this (traditional north-to-south) order.
].map((name, i) => [String(i + 1).padStart(2, '0'), name] as const);

const AU_STATES: RegionList = [
  ['ACT', 'Australian Capital Territory'],
  ['NSW', 'New South Wales'],
  ['NT', 'Northern Territory'],
  ['QLD', 'Queensland'],
  ['SA', 'South Australia'],
  ['TAS', 'Tasmania'],
  ['VIC', 'Victoria'],
  ['WA', 'Western Australia'],
];

// A few of the largest economies' subdivisions only (see REGIONS_COMPLETE).
const IN_STATES: RegionList = [
  ['DL', 'Delhi'],
  ['GJ', 'Gujarat'],
  ['KA', 'Karnataka'],
  ['MH', 'Maharashtra'],
  ['TN', 'Tamil Nadu'],
  ['WB', 'West Bengal'],
];

const BR_STATES: RegionList = [
  ['BA', 'Bahia'],
  ['DF', 'Federal District'],
  ['MG', 'Minas Gerais'],
  ['PR', 'Paraná'],
  ['RJ', 'Rio de Janeiro'],
  ['RS', 'Rio Grande do Sul'],
  ['SP', 'São Paulo'],
];

const MX_STATES: RegionList = [
  ['JAL', 'Jalisco'],
  ['CMX', 'Mexico City'],
  ['NLE', 'Nuevo León'],
  ['PUE', 'Puebla'],
  ['MEX', 'State of Mexico'],
  ['YUC', 'Yucatán'],
];

export const COUNTRIES: readonly Country[] = z.array(Country).parse([
  country('AU', 'Australia', 'AUD', AU_STATES),
  country('AT', 'Austria', 'EUR', AT_STATES),
  // KW and BH: countries whose currency has three minor-unit digits, for rehearsing that case.
  country('BH', 'Bahrain', 'BHD'),
  country('BE', 'Belgium', 'EUR', BE_REGIONS),
  country('BR', 'Brazil', 'BRL', BR_STATES),
  country('CA', 'Canada', 'CAD', CA_PROVINCES),
  country('DK', 'Denmark', 'DKK', DK_REGIONS),
  country('FI', 'Finland', 'EUR'),
  country('FR', 'France', 'EUR', FR_REGIONS),
  country('DE', 'Germany', 'EUR', DE_LAENDER),
  country('IN', 'India', 'INR', IN_STATES),
  country('IE', 'Ireland', 'EUR'),
  country('IT', 'Italy', 'EUR', IT_REGIONS),
  country('JP', 'Japan', 'JPY', JP_PREFECTURES),
  country('KW', 'Kuwait', 'KWD'),
  country('MX', 'Mexico', 'MXN', MX_STATES),
  country('NL', 'Netherlands', 'EUR', NL_PROVINCES),
  country('NZ', 'New Zealand', 'NZD'),
  country('NO', 'Norway', 'NOK'),
  country('PL', 'Poland', 'PLN'),
  country('PT', 'Portugal', 'EUR'),
  country('SG', 'Singapore', 'SGD'),
  country('ES', 'Spain', 'EUR', ES_COMMUNITIES),
  country('SE', 'Sweden', 'SEK'),
  country('CH', 'Switzerland', 'CHF', CH_CANTONS),
  country('GB', 'United Kingdom', 'GBP', GB_NATIONS),
  country('US', 'United States', 'USD', US_STATES),
]);

/** ISO 4217 minor units: the digits after the decimal point that amounts are counted in. */
export const CURRENCIES: readonly Currency[] = z.array(Currency).parse([
  { code: 'AUD', name: 'Australian Dollar', minor_units: 2 },
  { code: 'BHD', name: 'Bahraini Dinar', minor_units: 3 },
  { code: 'BRL', name: 'Brazilian Real', minor_units: 2 },
  { code: 'CAD', name: 'Canadian Dollar', minor_units: 2 },
  { code: 'CHF', name: 'Swiss Franc', minor_units: 2 },
  { code: 'DKK', name: 'Danish Krone', minor_units: 2 },
  { code: 'EUR', name: 'Euro', minor_units: 2 },
  { code: 'GBP', name: 'Pound Sterling', minor_units: 2 },
  { code: 'INR', name: 'Indian Rupee', minor_units: 2 },
  { code: 'JPY', name: 'Japanese Yen', minor_units: 0 },
  { code: 'KWD', name: 'Kuwaiti Dinar', minor_units: 3 },
  { code: 'MXN', name: 'Mexican Peso', minor_units: 2 },
  { code: 'NOK', name: 'Norwegian Krone', minor_units: 2 },
  { code: 'NZD', name: 'New Zealand Dollar', minor_units: 2 },
  { code: 'PLN', name: 'Polish Złoty', minor_units: 2 },
  { code: 'SEK', name: 'Swedish Krona', minor_units: 2 },
  { code: 'SGD', name: 'Singapore Dollar', minor_units: 2 },
  { code: 'USD', name: 'US Dollar', minor_units: 2 },
]);

/**
 * Countries whose region list is every first-level subdivision. For the others (none or only a
 * few listed) a region is accepted when it is well formed and has the country's prefix: refusing
 * a real address because our list is short would be worse than accepting an odd code.
 */
const REGIONS_COMPLETE = new Set([
  'AT',
  'AU',
  'BE',
  'CA',
  'CH',
  'DE',
  'DK',
  'ES',
  'GB',
  'IT',
  'JP',
  'NL',
  'US',
]);

const countryIndex = new Map(COUNTRIES.map((c) => [c.code, c]));
const currencyIndex = new Map(CURRENCIES.map((c) => [c.code, c]));
const REGION_CODE = /^[A-Z]{2}-[A-Z0-9]{1,3}$/;

export function countryByCode(code: string): Country | undefined {
  return countryIndex.get(code);
}

export function currencyByCode(code: string): Currency | undefined {
  return currencyIndex.get(code);
}

/** Whether `regionCode` (ISO 3166-2) is a subdivision of `countryCode`; false for unknown countries. */
export function regionBelongsTo(regionCode: string, countryCode: string): boolean {
  const found = countryIndex.get(countryCode);
  if (!found) return false;
  if (REGIONS_COMPLETE.has(countryCode)) return found.regions.some((r) => r.code === regionCode);
  return REGION_CODE.test(regionCode) && regionCode.startsWith(`${countryCode}-`);
}

// --- tax ids ---

export interface TaxIdFormat {
  /** What the number is called locally. */
  readonly name: string;
  /** A well-formed example, for error messages and placeholders. */
  readonly example: string;
}

interface TaxIdRule extends TaxIdFormat {
  readonly pattern: RegExp;
  /** Spaces, dots and hyphens are grouping only and ignored, except where they are the format. */
  readonly compact: boolean;
}

/**
 * Format checks only: no check digits, no registry lookup. A format-valid number may still not
 * exist; catching typos and pasted nonsense at the form is the aim, not fraud prevention.
 *
 * Countries without a rule — AU, BH, BR, CH, IN, JP, KW, MX, NO, NZ, SG, and any country not in
 * COUNTRIES — accept 2–32 characters of upper-case letters, digits, spaces and hyphens: their
 * numbers come in several kinds (ABN or ACN, CNPJ or CPF, UID with or without MWST…) and a wrong
 * refusal blocks a real customer, which a loose check does not.
 */
const TAX_ID_RULES: Readonly<Record<string, TaxIdRule>> = {
  US: { name: 'EIN', example: '12-3456789', pattern: /^\d{2}-\d{7}$/, compact: false },
  // Standard (9 digits), branch traders (12), government departments (GD) and health bodies (HA).
  GB: {
    name: 'VAT registration number',
    example: 'GB123456789',
    pattern: /^GB(\d{9}|\d{12}|GD\d{3}|HA\d{3})$/,
    compact: true,
  },
  DE: { name: 'USt-IdNr.', example: 'DE123456789', pattern: /^DE\d{9}$/, compact: true },
  FR: {
    name: 'numéro de TVA intracommunautaire',
    example: 'FR12345678901',
    pattern: /^FR[0-9A-Z]{2}\d{9}$/,
    compact: true,
  },
  ES: {
    name: 'NIF-IVA',
    example: 'ESB12345678',
    pattern: /^ES[0-9A-Z]\d{7}[0-9A-Z]$/,
    compact: true,
  },
  AT: { name: 'UID-Nummer', example: 'ATU12345678', pattern: /^ATU\d{8}$/, compact: true },
  BE: {
    name: 'BTW/TVA number',
    example: 'BE0123456789',
    pattern: /^BE[01]\d{9}$/,
    compact: true,
  },
  NL: { name: 'btw-id', example: 'NL123456789B01', pattern: /^NL\d{9}B\d{2}$/, compact: true },
  IT: { name: 'partita IVA', example: 'IT12345678901', pattern: /^IT\d{11}$/, compact: true },
  PT: { name: 'NIF', example: 'PT123456789', pattern: /^PT\d{9}$/, compact: true },
  IE: {
    name: 'VAT number',
    example: 'IE1234567WA',
    pattern: /^IE(\d{7}[A-W][A-IW]?|\d[A-Z+*]\d{5}[A-W])$/,
    compact: true,
  },
  DK: { name: 'CVR/SE number', example: 'DK12345678', pattern: /^DK\d{8}$/, compact: true },
  FI: { name: 'ALV number', example: 'FI12345678', pattern: /^FI\d{8}$/, compact: true },
  SE: {
    name: 'momsregistreringsnummer',
    example: 'SE123456789001',
    pattern: /^SE\d{10}01$/,
    compact: true,
  },
  PL: { name: 'NIP', example: 'PL1234567890', pattern: /^PL\d{10}$/, compact: true },
  CA: {
    name: 'Business Number',
    example: '123456789RT0001',
    pattern: /^\d{9}([A-Z]{2}\d{4})?$/,
    compact: true,
  },
};

const FALLBACK_TAX_ID = /^[A-Z0-9 -]{2,32}$/;

/** The expected format for `country`, or undefined when any plausible id is accepted. */
export function taxIdFormat(country: string): TaxIdFormat | undefined {
  const rule = TAX_ID_RULES[country];
  return rule && { name: rule.name, example: rule.example };
}

/** The countries with a format rule, for tests and docs. */
export const TAX_ID_COUNTRIES: readonly string[] = Object.keys(TAX_ID_RULES);

/** Whether `taxId` is well formed for `country` (upper case; grouping spaces allowed). */
export function validateTaxId(country: string, taxId: string): boolean {
  if (taxId.length < 2 || taxId.length > 32) return false;
  const rule = TAX_ID_RULES[country];
  if (!rule) return FALLBACK_TAX_ID.test(taxId);
  const value = rule.compact ? taxId.replace(/[ .-]/g, '') : taxId;
  return rule.pattern.test(value);
}
