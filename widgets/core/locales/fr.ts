import type { Catalogue } from '../i18n.ts';
import type { CommonId } from './en.ts';

export const common: Catalogue<CommonId> = {
  'error.title': 'Une erreur est survenue',
  'error.retry': 'Réessayer',
  'error.reference': 'Référence : {requestId}',
  'field.required': 'Ce champ est obligatoire.',
  'field.tooLong': 'Cette valeur est trop longue.',
  'field.invalidEmail': 'Saisissez une adresse e-mail comme nom@exemple.com.',
  'field.termsRequired': 'Acceptez les conditions pour continuer.',
  'field.invalid': 'Cette valeur n’est pas valide.',
};
