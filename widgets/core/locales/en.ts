/** Strings every widget uses. English is the reference: the other languages must have every id. */
export const common = {
  'error.title': 'Something went wrong',
  'error.retry': 'Try again',
  'error.reference': 'Reference: {requestId}',
  'field.required': 'This field is required.',
  'field.tooLong': 'This is too long.',
  'field.invalidEmail': 'Enter an email address like name@example.com.',
  'field.termsRequired': 'Accept the terms to continue.',
  'field.invalid': 'This value is not valid.',
} as const;

export type CommonId = keyof typeof common;
