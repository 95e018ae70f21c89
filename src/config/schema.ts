import { z } from 'zod';

/** The one typed shape of ~/.config/streamflow/config.yaml. */
const secret = {
  password: z.string().optional(),
  /** Name of an env var holding the password, so the file need not contain it. */
  passwordEnv: z.string().optional(),
};

export const saslSchema = z
  .object({
    mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
    username: z.string().min(1),
    ...secret,
  })
  .strict();

export const tlsSchema = z.union([
  z.boolean(),
  z
    .object({
      ca: z.string().optional(),
      cert: z.string().optional(),
      key: z.string().optional(),
      rejectUnauthorized: z.boolean().default(true),
      servername: z.string().optional(),
    })
    .strict(),
]);

export const registrySchema = z
  .object({
    url: z.string().url(),
    username: z.string().optional(),
    ...secret,
    /** CA bundle for an https registry with a private CA. */
    ca: z.string().optional(),
  })
  .strict();

export const redisSchema = z.object({ url: z.string().regex(/^rediss?(\+cluster)?:\/\//, 'must start with redis://, rediss:// or redis+cluster://') }).strict();

const brokersSchema = z.union([
  z.array(z.string().regex(/^[^\s:,]+:\d+$/, 'each broker is host:port')).min(1),
  z.string().transform((s, ctx) => {
    const list = splitBrokers(s);
    if (list.length === 0 || list.some((b) => !/^[^\s:,]+:\d+$/.test(b))) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'brokers are host:port[,host:port...]' });
    }
    return list;
  }),
]);

export const contextSchema = z
  .object({
    brokers: brokersSchema.optional(),
    sasl: saslSchema.optional(),
    tls: tlsSchema.optional(),
    registry: registrySchema.optional(),
    redis: redisSchema.optional(),
  })
  .strict();

export const configFileSchema = z
  .object({
    'current-context': z.string().optional(),
    contexts: z.record(contextSchema).default({}),
  })
  .strict();

export type SaslConfig = z.infer<typeof saslSchema>;
export type TlsConfig = z.infer<typeof tlsSchema>;
export type RegistryConfig = z.infer<typeof registrySchema>;
export type ContextConfig = z.infer<typeof contextSchema>;
export type ConfigFile = z.infer<typeof configFileSchema>;

export function splitBrokers(s: string): string[] {
  return s
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
}

/** "contexts.prod.brokers.0: each broker is host:port" - errors name the key path. */
export function describeZodError(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}
