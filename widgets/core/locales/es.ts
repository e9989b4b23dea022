import type { Catalogue } from '../i18n.ts';
import type { CommonId } from './en.ts';

export const common: Catalogue<CommonId> = {
  'error.title': 'Algo salió mal',
  'error.retry': 'Reintentar',
  'error.reference': 'Referencia: {requestId}',
  'error.network':
    'No se pudo contactar con el servicio. Comprueba tu conexión e inténtalo de nuevo.',
  'error.timeout': 'El servicio no respondió a tiempo. Inténtalo de nuevo.',
  'error.server': 'El servicio tuvo un problema. Inténtalo de nuevo.',
  'error.rateLimited':
    'Demasiadas solicitudes ahora mismo. Espera un momento e inténtalo de nuevo.',
  'error.session': 'No se pudo renovar tu sesión. Inténtalo de nuevo.',
  'error.suspended': 'Este servicio no está disponible en este sitio en este momento.',
  'error.forbidden': 'No tienes permiso para hacer esto.',
  'error.notFound': 'No se ha encontrado.',
  'error.conflict': 'Esto se modificó en otro lugar mientras tanto.',
  'error.schemaMismatch': 'El servicio devolvió datos que esta página no puede mostrar.',
  'error.configuration': 'Este widget no está bien configurado en esta página.',
  'error.generic': 'No se pudo completar la solicitud.',
  'field.required': 'Este campo es obligatorio.',
  'field.tooLong': 'Este valor es demasiado largo.',
  'field.invalidEmail': 'Introduce una dirección de correo como nombre@ejemplo.com.',
  'field.termsRequired': 'Acepta las condiciones para continuar.',
  'field.invalid': 'Este valor no es válido.',
  'script.required': 'Esta parte necesita JavaScript, que está desactivado en este navegador.',
};
