import type { Catalogue } from '../i18n.ts';
import type { CommonId } from './en.ts';

export const common: Catalogue<CommonId> = {
  'error.title': 'Algo salió mal',
  'error.retry': 'Reintentar',
  'error.reference': 'Referencia: {requestId}',
  'field.required': 'Este campo es obligatorio.',
  'field.tooLong': 'Este valor es demasiado largo.',
  'field.invalidEmail': 'Introduce una dirección de correo como nombre@ejemplo.com.',
  'field.termsRequired': 'Acepta las condiciones para continuar.',
  'field.invalid': 'Este valor no es válido.',
};
