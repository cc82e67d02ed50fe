/**
 * A small IAM evaluator over a synthesized template, enough to ask "may this function do
 * that?" in a test: explicit Deny wins, then any Allow whose action, resource and
 * conditions all match. Resources are compared as patterns over logical ids: the table's
 * ARN is `arn(<TableId>)`, an object key `arn(<BucketId>)/uploads/a.csv`.
 */
import type { Template } from 'aws-cdk-lib/assertions';

export interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  /** Resource, or NotResource: the statement applies to every resource but those. */
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface Request {
  action: string;
  resource: string;
  /** dynamodb:LeadingKeys of the request (absent for a Scan). */
  leadingKeys?: string[];
  /** events:source of a PutEvents entry. */
  eventSource?: string;
}

/** Every statement of the policies attached to a role. */
export function statementsOfRole(template: Template, roleLogicalId: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((policy) =>
      (policy.Properties.Roles as unknown[]).some(
        (role) => JSON.stringify(role) === JSON.stringify({ Ref: roleLogicalId }),
      ),
    )
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

export function allows(statements: Statement[], request: Request): boolean {
  const applicable = statements.filter(
    (s) =>
      list(s.Action).some((a) => glob(a).test(request.action)) &&
      (s.NotResource === undefined
        ? list(s.Resource).some((r) => glob(resourcePattern(r)).test(request.resource))
        : !list(s.NotResource).some((r) => glob(resourcePattern(r)).test(request.resource))) &&
      conditionsHold(s.Condition, request),
  );
  if (applicable.some((s) => s.Effect === 'Deny')) return false;
  return applicable.some((s) => s.Effect === 'Allow');
}

/** The actions any Allow statement grants, sorted and de-duplicated. */
export function allowedActions(statements: Statement[]): string[] {
  return [...new Set(statements.filter((s) => s.Effect === 'Allow').flatMap((s) => list(s.Action)))].sort();
}

function conditionsHold(condition: Statement['Condition'], request: Request): boolean {
  if (!condition) return true;
  return Object.entries(condition).every(([operator, entries]) =>
    Object.entries(entries).every(([key, expected]) => {
      const patterns = list(expected).map(glob);
      const values = contextValues(key, request);
      switch (operator) {
        // With no value at all, ForAllValues holds and ForAnyValue does not (IAM semantics).
        case 'ForAllValues:StringLike':
          return (values ?? []).every((v) => patterns.some((p) => p.test(v)));
        case 'ForAnyValue:StringLike':
          return (values ?? []).some((v) => patterns.some((p) => p.test(v)));
        case 'StringEquals':
          return values?.every((v) => list(expected).includes(v)) ?? false;
        default:
          throw new Error(`The test evaluator does not know the condition operator ${operator}`);
      }
    }),
  );
}

function contextValues(key: string, request: Request): string[] | undefined {
  if (key === 'dynamodb:LeadingKeys') return request.leadingKeys;
  if (key === 'events:source') return request.eventSource === undefined ? undefined : [request.eventSource];
  throw new Error(`The test evaluator does not know the condition key ${key}`);
}

function resourcePattern(resource: unknown): string {
  if (typeof resource === 'string') return resource;
  const r = resource as Record<string, unknown>;
  if (Array.isArray(r['Fn::GetAtt'])) {
    const [id, attribute] = r['Fn::GetAtt'] as [string, string];
    return attribute === 'Arn' ? `arn(${id})` : `${attribute}(${id})`;
  }
  if (Array.isArray(r['Fn::Join'])) {
    const [separator, parts] = r['Fn::Join'] as [string, unknown[]];
    return parts.map(resourcePattern).join(separator);
  }
  if (typeof r.Ref === 'string') return `ref(${r.Ref})`;
  throw new Error(`The test evaluator cannot read the resource ${JSON.stringify(resource)}`);
}

function glob(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\?]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

function list<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}
