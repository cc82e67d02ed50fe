import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RemovalPolicy } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeWebAssetsSync } from '../../infra/web-assets.js';
import { getAtt, SYNTH_TIMEOUT_MS, type SynthesizedService, synthesizeJobsService } from './fixture.js';
import { allowedActions, allows, statementsOfRole } from './iam.js';

const SITE_CERTIFICATE =
  'arn:aws:acm:us-east-1:111122223333:certificate/0b2c8f4e-1111-2222-3333-444455556666';

let synth: SynthesizedService;
let open: SynthesizedService;
let ownDomain: SynthesizedService;

beforeAll(() => {
  synth = synthesizeJobsService({ webApp: true, corsOrigins: ['https://app.example.com'] });
  open = synthesizeJobsService({ webApp: true });
  ownDomain = synthesizeJobsService((stack) => ({
    webApp: {
      customDomain: {
        domainName: 'jobs-page.example.com',
        certificate: Certificate.fromCertificateArn(stack, 'SiteCertificate', SITE_CERTIFICATE),
      },
    },
  }));
}, SYNTH_TIMEOUT_MS);

const site = (s: SynthesizedService) => {
  if (!s.service.site) throw new Error('no site');
  return s.service.site;
};
const resource = (s: SynthesizedService, logicalId: string) => s.template.toJSON().Resources[logicalId];
const distributionConfig = (s: SynthesizedService) =>
  resource(s, s.logicalId(site(s).distribution)).Properties.DistributionConfig;
const contentSecurityPolicy = (s: SynthesizedService) => {
  const [policy] = Object.values(s.template.findResources('AWS::CloudFront::ResponseHeadersPolicy'));
  return JSON.stringify(
    policy?.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy
      .ContentSecurityPolicy,
  );
};

describe('the page as a static site', () => {
  it('is not deployed unless asked for', () => {
    const plain = synthesizeJobsService();
    expect(plain.service.site).toBeUndefined();
    plain.template.resourceCountIs('AWS::CloudFront::Distribution', 0);
    plain.template.resourceCountIs('Custom::CDKBucketDeployment', 0);
  });

  describe('the bucket', () => {
    it('is private, encrypted, TLS only, with server access logs', () => {
      expect(resource(synth, synth.logicalId(site(synth).bucket)).Properties).toMatchObject({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        LoggingConfiguration: {
          DestinationBucketName: { Ref: synth.logicalId(synth.service.accessLogsBucket) },
          LogFilePrefix: 'site-bucket/',
        },
      });
    });

    it('lets this distribution alone read its objects (origin access control), and nobody list or write them', () => {
      const bucketId = synth.logicalId(site(synth).bucket);
      const [policy] = Object.values(synth.template.findResources('AWS::S3::BucketPolicy')).filter(
        (p) => p.Properties.Bucket.Ref === bucketId,
      );
      const allowed = policy?.Properties.PolicyDocument.Statement.filter(
        (s: { Effect: string }) => s.Effect === 'Allow',
      );
      expect(allowed).toEqual([
        {
          Action: 's3:GetObject',
          Effect: 'Allow',
          Principal: { Service: 'cloudfront.amazonaws.com' },
          Resource: { 'Fn::Join': ['', [getAtt(bucketId), '/*']] },
          Condition: {
            StringEquals: {
              'AWS:SourceArn': {
                'Fn::Join': [
                  '',
                  [
                    'arn:',
                    { Ref: 'AWS::Partition' },
                    ':cloudfront::',
                    { Ref: 'AWS::AccountId' },
                    ':distribution/',
                    { Ref: synth.logicalId(site(synth).distribution) },
                  ],
                ],
              },
            },
          },
        },
      ]);
      synth.template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
      synth.template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
        OriginAccessControlConfig: Match.objectLike({
          OriginAccessControlOriginType: 's3',
          SigningBehavior: 'always',
          SigningProtocol: 'sigv4',
        }),
      });
    });
  });

  describe('the distribution', () => {
    it('serves index.html at /, over HTTPS only, GET and HEAD, logged to the access logs bucket', () => {
      const config = distributionConfig(synth);
      expect(config).toMatchObject({
        DefaultRootObject: 'index.html',
        PriceClass: 'PriceClass_100',
        HttpVersion: 'http2and3',
        Logging: {
          Bucket: getAtt(synth.logicalId(synth.service.accessLogsBucket), 'RegionalDomainName'),
          Prefix: 'site/',
        },
        DefaultCacheBehavior: { ViewerProtocolPolicy: 'redirect-to-https', AllowedMethods: ['GET', 'HEAD'] },
      });
      expect(config.Origins).toEqual([
        expect.objectContaining({
          DomainName: getAtt(synth.logicalId(site(synth).bucket), 'RegionalDomainName'),
          OriginAccessControlId: expect.anything(),
          S3OriginConfig: { OriginAccessIdentity: '' },
        }),
      ]);
    });

    it('takes ACLs on the access logs bucket, which CloudFront standard logs need', () => {
      // As cdk.json has it: S3 server access logs are delivered under the bucket policy, not an ACL.
      const context = { '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true };
      const ownership = (s: SynthesizedService) =>
        resource(s, s.logicalId(s.service.accessLogsBucket)).Properties.OwnershipControls;
      expect(ownership(synthesizeJobsService({ webApp: true }, { context }))).toEqual({
        Rules: [{ ObjectOwnership: 'ObjectWriter' }],
      });
      expect(ownership(synthesizeJobsService({}, { context }))).toBeUndefined();
    });

    it("sends a content security policy: the page's own script, the API, push socket and S3 of the region", () => {
      const csp = contentSecurityPolicy(synth);
      expect(csp).toContain("default-src 'self'; connect-src 'self' https://*.execute-api.");
      expect(csp).toMatch(/ wss:\/\/\*\.execute-api\./);
      expect(csp).toMatch(/ https:\/\/\*\.s3\./);
      expect(csp).toContain("object-src 'none'; base-uri 'none'");
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
      synth.template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
        ResponseHeadersPolicyConfig: {
          SecurityHeadersConfig: Match.objectLike({
            ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
            ContentTypeOptions: { Override: true },
            StrictTransportSecurity: Match.objectLike({ AccessControlMaxAgeSec: 31_536_000 }),
          }),
        },
      });
    });

    it('may be framed by the origins that may call the API, and by any when they are all allowed', () => {
      expect(contentSecurityPolicy(synth)).toContain('frame-ancestors https://app.example.com');
      expect(contentSecurityPolicy(open)).not.toContain('frame-ancestors');
    });

    it('serves its own domain with TLS 1.2 at least, and names it to the API and the bucket', () => {
      const config = distributionConfig(ownDomain);
      expect(config.Aliases).toEqual(['jobs-page.example.com']);
      expect(config.ViewerCertificate).toEqual({
        AcmCertificateArn: SITE_CERTIFICATE,
        MinimumProtocolVersion: 'TLSv1.2_2021',
        SslSupportMethod: 'sni-only',
      });
      expect(site(ownDomain).url).toBe('https://jobs-page.example.com/');
      expect(site(ownDomain).origin).toBe('https://jobs-page.example.com');
    });
  });

  describe('CORS', () => {
    const siteOrigin = (s: SynthesizedService) => ({
      'Fn::Join': ['', ['https://', getAtt(s.logicalId(site(s).distribution), 'DomainName')]],
    });

    it("adds the site's origin to the API's and the data bucket's origins", () => {
      synth.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
        CorsConfiguration: Match.objectLike({ AllowOrigins: ['https://app.example.com', siteOrigin(synth)] }),
      });
      const rules = resource(synth, synth.logicalId(synth.service.bucket)).Properties.CorsConfiguration
        .CorsRules;
      expect(rules.map((r: { AllowedOrigins: unknown[] }) => r.AllowedOrigins)).toEqual([
        ['https://app.example.com'],
        [siteOrigin(synth)],
      ]);
      expect(rules[1]).toMatchObject({ AllowedMethods: ['PUT', 'GET', 'HEAD'], ExposedHeaders: ['ETag'] });
    });

    it('adds nothing when every origin is allowed already', () => {
      open.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
        CorsConfiguration: Match.objectLike({ AllowOrigins: ['*'] }),
      });
      const rules = resource(open, open.logicalId(open.service.bucket)).Properties.CorsConfiguration
        .CorsRules;
      expect(rules.map((r: { AllowedOrigins: unknown[] }) => r.AllowedOrigins)).toEqual([['*']]);
    });

    it('names a custom domain as it is', () => {
      ownDomain.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
        CorsConfiguration: Match.objectLike({ AllowOrigins: ['*'] }),
      });
      const own = synthesizeJobsService((stack) => ({
        corsOrigins: ['https://app.example.com'],
        webApp: {
          customDomain: {
            domainName: 'jobs-page.example.com',
            certificate: Certificate.fromCertificateArn(stack, 'SiteCertificate', SITE_CERTIFICATE),
          },
        },
      }));
      own.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
        CorsConfiguration: Match.objectLike({
          AllowOrigins: ['https://app.example.com', 'https://jobs-page.example.com'],
        }),
      });
    });
  });

  describe('the deployment of the files', () => {
    const deploymentOf = (s: SynthesizedService) =>
      Object.values(s.template.findResources('Custom::CDKBucketDeployment'))[0]?.Properties;

    it('syncs the page and its config.json into the bucket, no-cache, and clears the distribution', () => {
      expect(deploymentOf(synth)).toMatchObject({
        DestinationBucketName: { Ref: synth.logicalId(site(synth).bucket) },
        DistributionId: { Ref: synth.logicalId(site(synth).distribution) },
        DistributionPaths: ['/*'],
        Prune: true,
        RetainOnDelete: true,
        SystemMetadata: { 'cache-control': 'no-cache' },
      });
      expect(deploymentOf(synth).SourceObjectKeys).toHaveLength(2);
    });

    it("writes config.json with the API's URL and the push socket's", async () => {
      // Prepare: the staged config.json, its deploy-time values as markers.
      const properties = deploymentOf(synth);
      const assembly = synth.app.synth().directory;
      const key = (properties.SourceObjectKeys as string[])[1] ?? '';
      const folder = path.join(assembly, `asset.${key.replace(/\.zip$/, '')}`);
      const written = JSON.parse(await readFile(path.join(folder, 'config.json'), 'utf8'));
      const markers: Record<string, unknown> = properties.SourceMarkers[1];
      const resolve = (text: string) =>
        text.split(/(<<marker:0xbaba:\d+>>)/).map((part) => (part in markers ? markers[part] : part));

      // Assess: what the page reads (web/src/config.ts), and no tokenUrl (the token comes in #token=).
      expect(Object.keys(written).sort()).toEqual(['apiUrl', 'wsUrl']);
      expect(resolve(written.apiUrl)).toEqual(
        expect.arrayContaining(['https://', { Ref: synth.logicalId(synth.service.api) }]),
      );
      expect(resolve(written.wsUrl)).toEqual(
        expect.arrayContaining(['wss://', { Ref: synth.logicalId(synth.service.pushApi) }]),
      );
      expect(written.wsUrl).toMatch(/\/push$/);
    });

    it('lets the files go first when the stack goes with its data, so the bucket can go too', () => {
      const destroying = synthesizeJobsService({ webApp: true, removalPolicy: RemovalPolicy.DESTROY });
      expect(deploymentOf(destroying).RetainOnDelete).toBe(false);
    });

    it('runs its handler with a role of its own: no managed policy, invalidations of this distribution only', () => {
      const handler = Object.values(synth.template.findResources('AWS::Lambda::Function')).find(
        (fn) => fn.Properties.Handler === 'index.handler' && fn.Properties.Runtime.startsWith('python'),
      );
      const roleId: string = handler?.Properties.Role['Fn::GetAtt'][0];
      expect(resource(synth, roleId).Properties.ManagedPolicyArns).toBeUndefined();
      const policy = statementsOfRole(synth.template, roleId);
      const distribution = `arn:ref(AWS::Partition):cloudfront::ref(AWS::AccountId):distribution/ref(${synth.logicalId(site(synth).distribution)})`;
      expect(allows(policy, { action: 'cloudfront:CreateInvalidation', resource: distribution })).toBe(true);
      expect(
        allows(policy, {
          action: 'cloudfront:CreateInvalidation',
          resource: 'arn:aws:cloudfront::1:distribution/E2OTHER',
        }),
      ).toBe(false);
      expect(
        allowedActions(policy).filter((a) => a.startsWith('dynamodb:') || a.startsWith('execute-api:')),
      ).toEqual([]);
    });

    it('builds the page on this machine: index.html, app.css and app.js, the script bundled', async () => {
      const folder = await mkdtemp(path.join(tmpdir(), 'partwise-site-'));
      try {
        writeWebAssetsSync(folder);
        expect(readdirSync(folder).sort()).toEqual(['app.css', 'app.js', 'index.html']);
        expect(readFileSync(path.join(folder, 'index.html'), 'utf8')).toContain('src="app.js"');
        // Preact is inside; nothing is fetched from elsewhere.
        expect(readFileSync(path.join(folder, 'app.js'), 'utf8')).not.toMatch(/from\s*["']https?:/);
      } finally {
        await rm(folder, { recursive: true, force: true });
      }
    }, 60_000);
  });
});
