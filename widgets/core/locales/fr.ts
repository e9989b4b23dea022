import type { Catalogue } from '../i18n.ts';
import type { CommonId } from './en.ts';

export const common: Catalogue<CommonId> = {
  'error.title': 'Une erreur est survenue',
  'error.retry': 'Réessayer',
  'error.reference': 'Référence : {requestId}',
  'error.network': 'Le service est injoignable. Vérifiez votre connexion et réessayez.',
  'error.timeout': 'Le service n’a pas répondu à temps. Veuillez réessayer.',
  'error.server': 'Le service a rencontré un problème. Veuillez réessayer.',
  'error.rateLimited': 'Trop de demandes en ce moment. Patientez un instant puis réessayez.',
  'error.session': 'Votre session n’a pas pu être renouvelée. Veuillez réessayer.',
  'error.suspended': 'Ce service n’est pas disponible sur ce site pour le moment.',
  'error.forbidden': 'Vous n’êtes pas autorisé à faire cela.',
  'error.notFound': 'Élément introuvable.',
  'error.conflict': 'Ceci a été modifié ailleurs entre-temps.',
  'error.schemaMismatch': 'Le service a renvoyé des données que cette page ne peut pas afficher.',
  'error.configuration': 'Ce widget n’est pas correctement configuré sur cette page.',
  'error.generic': 'La demande n’a pas pu aboutir.',
  'field.required': 'Ce champ est obligatoire.',
  'field.tooLong': 'Cette valeur est trop longue.',
  'field.invalidEmail': 'Saisissez une adresse e-mail comme nom@exemple.com.',
  'field.termsRequired': 'Acceptez les conditions pour continuer.',
  'field.invalid': 'Cette valeur n’est pas valide.',
  'script.required': 'Cette partie a besoin de JavaScript, désactivé dans ce navigateur.',
};
