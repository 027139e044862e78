/**
 * MLflow's REST error contract: a JSON body `{error_code, message}` with the HTTP status the
 * official server uses for that code, so the Python client raises the same MlflowException
 * (and, e.g., `get_experiment_by_name` turns RESOURCE_DOES_NOT_EXIST into None).
 */
export type MlflowErrorCode =
  | 'INVALID_PARAMETER_VALUE'
  | 'RESOURCE_DOES_NOT_EXIST'
  | 'RESOURCE_ALREADY_EXISTS'
  | 'INVALID_STATE'
  | 'ENDPOINT_NOT_FOUND'
  | 'UNAUTHENTICATED'
  | 'INTERNAL_ERROR';

const STATUS: Record<MlflowErrorCode, number> = {
  INVALID_PARAMETER_VALUE: 400,
  RESOURCE_ALREADY_EXISTS: 400,
  INVALID_STATE: 400,
  RESOURCE_DOES_NOT_EXIST: 404,
  ENDPOINT_NOT_FOUND: 404,
  UNAUTHENTICATED: 401,
  INTERNAL_ERROR: 500,
};

export class MlflowApiError extends Error {
  constructor(
    readonly errorCode: MlflowErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MlflowApiError';
  }

  get httpStatus(): number {
    return STATUS[this.errorCode];
  }

  toJSON(): { error_code: string; message: string } {
    return { error_code: this.errorCode, message: this.message };
  }
}

export const invalid = (message: string): MlflowApiError => new MlflowApiError('INVALID_PARAMETER_VALUE', message);
export const notFound = (message: string): MlflowApiError => new MlflowApiError('RESOURCE_DOES_NOT_EXIST', message);
export const exists = (message: string): MlflowApiError => new MlflowApiError('RESOURCE_ALREADY_EXISTS', message);
