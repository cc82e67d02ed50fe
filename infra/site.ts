/**
 * The page (web/) as a static site, when the `webApp` prop asks for it: a private bucket
 * that CloudFront alone reads (origin access control), the page built at synth time by the
 * local esbuild, and a `config.json` beside it that points it at this API and its push socket.
 * Created in two steps: the distribution first (the API's CORS origins name it), the files
 * once the API's URLs exist.
 */
import path from 'node:path';
import { AssetHashType, Aws, DockerImage, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, type IBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct, IConstruct } from 'constructs';
import { BUNDLES_FROM_SOURCES, PREBUILT_WEB, PROJECT_ROOT } from './bundling.js';
import { logGroupEncryption } from './encryption.js';
import type { JobsServiceWebApp, ResolvedJobsServiceProps } from './props.js';
import { writeWebAssetsSync } from './web-assets.js';

export interface JobsWebSite {
  bucket: Bucket;
  distribution: Distribution;
  /** `https://<domain>`: what the API's and the bucket's CORS rules allow. */
  origin: string;
  /** The page's address, ending with `/`. */
  url: string;
}

/** What the page's `config.json` says (web/src/config.ts reads it). */
export interface WebConfig {
  apiUrl: string;
  wsUrl: string;
}

/** The bucket and the distribution in front of it. */
export function createWebSite(
  scope: Construct,
  site: JobsServiceWebApp,
  p: ResolvedJobsServiceProps,
  accessLogsBucket: IBucket,
): JobsWebSite {
  const bucket = new Bucket(scope, 'SiteBucket', {
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    encryption: BucketEncryption.S3_MANAGED,
    serverAccessLogsBucket: accessLogsBucket,
    serverAccessLogsPrefix: 'site-bucket/',
    removalPolicy: p.removalPolicy,
  });
  const distribution = new Distribution(scope, 'SiteDistribution', {
    comment: 'partwise: the page',
    defaultRootObject: 'index.html',
    defaultBehavior: {
      // OAC: the bucket policy lets this distribution alone read the objects.
      origin: S3BucketOrigin.withOriginAccessControl(bucket),
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy: CachePolicy.CACHING_OPTIMIZED,
      responseHeadersPolicy: siteHeaders(scope, p),
      compress: true,
    },
    priceClass: site.priceClass ?? PriceClass.PRICE_CLASS_100,
    httpVersion: HttpVersion.HTTP2_AND_3,
    minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
    enableLogging: true,
    logBucket: accessLogsBucket,
    logFilePrefix: 'site/',
    ...(site.customDomain
      ? { domainNames: [site.customDomain.domainName], certificate: site.customDomain.certificate }
      : {}),
  });
  const host = site.customDomain?.domainName ?? distribution.distributionDomainName;
  return { bucket, distribution, origin: `https://${host}`, url: `https://${host}/` };
}

/**
 * The page's response headers. Its script and styles are its own; it talks to the API, the
 * push socket and S3 (presigned uploads and downloads) of this region, named by wildcard: the
 * exact names would make the distribution depend on the API, whose CORS rules depend on the
 * distribution. Framing is left to `corsOrigins`: the page holds a token only when the app
 * that embeds it hands one over, so an origin that may call the API may frame it.
 */
function siteHeaders(scope: Construct, p: ResolvedJobsServiceProps): ResponseHeadersPolicy {
  const amazon = `${Aws.REGION}.${Aws.URL_SUFFIX}`;
  const connect = [
    "'self'",
    `https://*.execute-api.${amazon}`,
    `wss://*.execute-api.${amazon}`,
    `https://*.s3.${amazon}`,
    `https://*.s3.${Aws.URL_SUFFIX}`,
    ...(p.customDomain ? [`https://${p.customDomain.domainName}`] : []),
  ];
  const framing = p.corsOrigins.includes('*') ? [] : [`frame-ancestors ${p.corsOrigins.join(' ')}`];
  const policy = [
    "default-src 'self'",
    `connect-src ${connect.join(' ')}`,
    "img-src 'self' data: blob:",
    "object-src 'none'",
    "base-uri 'none'",
    ...framing,
  ].join('; ');
  return new ResponseHeadersPolicy(scope, 'SiteHeaders', {
    comment: 'partwise: the page’s security headers',
    securityHeadersBehavior: {
      contentSecurityPolicy: { contentSecurityPolicy: policy, override: true },
      contentTypeOptions: { override: true },
      referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      strictTransportSecurity: {
        accessControlMaxAge: Duration.days(365),
        includeSubdomains: false,
        override: true,
      },
    },
  });
}

/**
 * The page's files and its `config.json` into the bucket, the distribution's cache cleared
 * after each deploy. Every file is sent with `Cache-Control: no-cache` (browsers check their
 * copy each time: the names carry no hash). The deployment's handler gets a role of its own,
 * allowed to write its log group and what BucketDeployment grants it, and no managed policy.
 */
export function deployWebSite(
  scope: Construct,
  site: JobsWebSite,
  config: WebConfig,
  p: ResolvedJobsServiceProps,
): { deployment: BucketDeployment; role: Role; handler: IConstruct } {
  const logGroup = new LogGroup(scope, 'SiteDeploymentLogs', {
    retention: p.logRetention,
    removalPolicy: p.removalPolicy,
    ...logGroupEncryption(p.encryptionKey),
  });
  const role = new Role(scope, 'SiteDeploymentRole', {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: 'partwise: deploys the page to its bucket',
  });
  logGroup.grantWrite(role);
  // BucketDeployment grants cloudfront:CreateInvalidation and GetInvalidation on "*": this
  // deny keeps them to the page's distribution.
  role.addToPrincipalPolicy(
    new PolicyStatement({
      effect: Effect.DENY,
      actions: ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation'],
      notResources: [site.distribution.distributionArn],
    }),
  );
  const deployment = new BucketDeployment(scope, 'SiteDeployment', {
    destinationBucket: site.bucket,
    sources: [webAssetsSource(), Source.jsonData('config.json', config)],
    distribution: site.distribution,
    distributionPaths: ['/*'],
    prune: true,
    cacheControl: [CacheControl.noCache()],
    // With DESTROY the files go first, so that the bucket can go too.
    retainOnDelete: p.removalPolicy !== RemovalPolicy.DESTROY,
    role,
    logGroup,
    // Not the default 128 MB: the handler is one function per stack and settings, and a team's
    // own deployments of the default size keep theirs, with their own role.
    memoryLimit: 256,
  });
  // The handler (CDK's, at the stack's root) runs with this role.
  const handler = Stack.of(scope).node.children.find(
    (child) => child instanceof LambdaFunction && child.role === role,
  );
  if (!handler) throw new Error('BucketDeployment created no handler with the site deployment role');
  return { deployment, role, handler };
}

/**
 * web/ built by infra/web-assets.ts at synth time, on this machine (never in Docker), in a
 * checkout; the installed package deploys the page `npm pack` built (see functionCode in
 * infra/functions.ts).
 */
function webAssetsSource() {
  if (!BUNDLES_FROM_SOURCES) return Source.asset(PREBUILT_WEB);
  return Source.asset(path.join(PROJECT_ROOT, 'web'), {
    // The page bundles code from outside web/ (shared/client's types): its hash is the build's.
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Required by the type, never pulled: the local build either succeeds or throws.
      image: DockerImage.fromRegistry('partwise-builds-the-page-locally'),
      local: {
        tryBundle(outputDir) {
          writeWebAssetsSync(outputDir);
          return true;
        },
      },
    },
  });
}
