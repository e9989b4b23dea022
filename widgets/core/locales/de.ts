import type { Catalogue } from '../i18n.ts';
import type { CommonId } from './en.ts';

export const common: Catalogue<CommonId> = {
  'error.title': 'Etwas ist schiefgelaufen',
  'error.retry': 'Erneut versuchen',
  'error.reference': 'Referenz: {requestId}',
  'field.required': 'Dieses Feld ist erforderlich.',
  'field.tooLong': 'Dieser Wert ist zu lang.',
  'field.invalidEmail': 'Geben Sie eine E-Mail-Adresse wie name@example.com ein.',
  'field.termsRequired': 'Akzeptieren Sie die Bedingungen, um fortzufahren.',
  'field.invalid': 'Dieser Wert ist ungültig.',
};
