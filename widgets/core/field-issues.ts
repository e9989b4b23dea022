import type { WidgetError } from './errors.ts';

/** One problem with one field: a zod issue, or an entry of `details.fields` in the API's envelope. */
export interface FieldIssue {
  path: string;
  code: string;
  message: string;
}

/** The field issues a failed request carries (`validation_failed` and the like); none if it has none. */
export function fieldIssues(error: WidgetError): FieldIssue[] {
  const fields = error.details?.fields;
  return Array.isArray(fields) ? (fields as FieldIssue[]) : [];
}

/** The widget's error for each field named by an issue, the first issue per field winning. */
export function fieldErrorsOf<F extends string, Err>(
  issues: readonly FieldIssue[],
  fieldOf: (path: string) => F | undefined,
  errorOf: (field: F, issue: FieldIssue) => Err,
): Partial<Record<F, Err>> {
  const errors: Partial<Record<F, Err>> = {};
  for (const issue of issues) {
    // The API's answer is not trusted to the letter: an issue without a path names no field.
    const field = typeof issue.path === 'string' ? fieldOf(issue.path) : undefined;
    if (field && !errors[field]) errors[field] = errorOf(field, issue);
  }
  return errors;
}
