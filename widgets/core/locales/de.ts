import type { Catalogue } from '../i18n.ts';
import type { CommonId } from './en.ts';

export const common: Catalogue<CommonId> = {
  'error.title': 'Etwas ist schiefgelaufen',
  'error.retry': 'Erneut versuchen',
  'error.reference': 'Referenz: {requestId}',
  'error.network':
    'Der Dienst ist nicht erreichbar. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.',
  'error.timeout': 'Der Dienst hat nicht rechtzeitig geantwortet. Bitte versuchen Sie es erneut.',
  'error.server': 'Beim Dienst ist ein Problem aufgetreten. Bitte versuchen Sie es erneut.',
  'error.rateLimited':
    'Gerade zu viele Anfragen. Bitte warten Sie kurz und versuchen Sie es erneut.',
  'error.session': 'Ihre Sitzung konnte nicht erneuert werden. Bitte versuchen Sie es erneut.',
  'error.suspended': 'Dieser Dienst ist auf dieser Website derzeit nicht verfügbar.',
  'error.forbidden': 'Dazu sind Sie nicht berechtigt.',
  'error.notFound': 'Das wurde nicht gefunden.',
  'error.conflict': 'Dies wurde inzwischen an anderer Stelle geändert.',
  'error.schemaMismatch': 'Der Dienst hat Daten geliefert, die diese Seite nicht anzeigen kann.',
  'error.configuration': 'Dieses Widget ist auf dieser Seite nicht richtig eingerichtet.',
  'error.generic': 'Die Anfrage konnte nicht ausgeführt werden.',
  'field.required': 'Dieses Feld ist erforderlich.',
  'field.tooLong': 'Dieser Wert ist zu lang.',
  'field.invalidEmail': 'Geben Sie eine E-Mail-Adresse wie name@example.com ein.',
  'field.termsRequired': 'Akzeptieren Sie die Bedingungen, um fortzufahren.',
  'field.invalid': 'Dieser Wert ist ungültig.',
  'script.required': 'Dieser Teil braucht JavaScript, das in diesem Browser ausgeschaltet ist.',
};
