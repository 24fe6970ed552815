/** The apiVersion of every document mimt prints with -o json|yaml (Tenant, TenantMetricsList, …). */
export const API_VERSION = 'mimt.io/v1alpha1';
