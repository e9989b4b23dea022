/** Strings every widget uses. English is the reference: the other languages must have every id. */
export const common = {
  'error.title': 'Something went wrong',
  'error.retry': 'Try again',
  'error.reference': 'Reference: {requestId}',
  'error.network': 'The service could not be reached. Check your connection and try again.',
  'error.timeout': 'The service did not answer in time. Please try again.',
  'error.server': 'The service had a problem. Please try again.',
  'error.rateLimited': 'Too many requests just now. Please wait a moment and try again.',
  'error.session': 'Your session could not be renewed. Please try again.',
  'error.suspended': 'This service is not available on this site at the moment.',
  'error.forbidden': 'You are not allowed to do this.',
  'error.notFound': 'This could not be found.',
  'error.conflict': 'This was changed elsewhere in the meantime.',
  'error.schemaMismatch': 'The service answered with data this page cannot show.',
  'error.configuration': 'This widget is not set up correctly on this page.',
  'error.generic': 'The request could not be completed.',
  'field.required': 'This field is required.',
  'field.tooLong': 'This is too long.',
  'field.invalidEmail': 'Enter an email address like name@example.com.',
  'field.termsRequired': 'Accept the terms to continue.',
  'field.invalid': 'This value is not valid.',
  'script.required': 'This part needs JavaScript, which is turned off in this browser.',
} as const;

export type CommonId = keyof typeof common;
