import type { Command } from 'commander'
import { type AdviceAnswers, advise, formatDuration } from '../../core/index.ts'
import { UsageError } from '../context.ts'

/** The decision guide's questions, each with the flag that answers it. */
const QUESTIONS: readonly { key: keyof AdviceAnswers; flag: string; question: string }[] = [
  {
    key: 'userPresent',
    flag: 'user-present',
    question: 'Does a person use the application (not a service alone)?',
  },
  {
    key: 'agent',
    flag: 'agent',
    question: 'Is it an AI agent or MCP client, connecting to servers it finds at run time?',
  },
  {
    key: 'canKeepSecret',
    flag: 'secret',
    question: 'Does it have a server-side backend that can keep a secret?',
  },
  {
    key: 'browserOnly',
    flag: 'browser-only',
    question: 'Does it run only in a browser (a single-page app)?',
  },
  { key: 'native', flag: 'native', question: 'Is it a mobile or desktop app?' },
  {
    key: 'inputConstrained',
    flag: 'input-constrained',
    question: 'Is its input constrained (TV, CLI, IoT)?',
  },
  {
    key: 'firstPartyCannotRedirect',
    flag: 'cannot-redirect',
    question: 'Is it a first-party legacy app that cannot use a redirect?',
  },
  {
    key: 'highValue',
    flag: 'high-value',
    question: 'Do its APIs hold payments, health or other high-value data?',
  },
]

const camel = (flag: string) => flag.replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase())

/**
 * Answers from flags; a question no flag answered is asked on a terminal. Without a terminal (a script, a pipe)
 * nothing can be asked: the command refuses and names the flags to answer with, rather than taking "no".
 */
async function answersFrom(
  options: Record<string, boolean | undefined>,
  interactive: boolean,
): Promise<AdviceAnswers> {
  const unanswered = QUESTIONS.filter(({ flag }) => options[camel(flag)] === undefined)
  if (unanswered.length > 0 && !interactive) {
    throw new UsageError(
      `keyward advise asks its questions on a terminal; without one, answer each with a flag: ${unanswered
        .map(({ flag }) => `--${flag} or --no-${flag}`)
        .join(', ')}.`,
    )
  }
  const answers: Partial<Record<keyof AdviceAnswers, boolean>> = {}
  // readline is loaded when there is a question to ask: every command imports this module, `keyward start` too.
  const prompt =
    unanswered.length > 0
      ? (await import('node:readline/promises')).createInterface({
          input: process.stdin,
          output: process.stdout,
        })
      : null
  try {
    for (const { key, flag, question } of QUESTIONS) {
      const given = options[camel(flag)]
      answers[key] = given ?? /^y/i.test((await prompt?.question(`${question} [y/N] `)) ?? '')
    }
  } finally {
    prompt?.close()
  }
  return answers as AdviceAnswers
}

export function adviseCommand(program: Command): void {
  const command = program
    .command('advise')
    .description(
      'which OAuth flow and client settings fit an application (asks, or takes the answers as flags)',
    )
    .option('--json', 'print one JSON object')
  for (const { flag, question } of QUESTIONS) {
    command.option(`--${flag}`, question).option(`--no-${flag}`, '')
  }
  command.action(async (options: Record<string, boolean | undefined>) => {
    const advice = advise(await answersFrom(options, process.stdin.isTTY === true))
    if (options.json) {
      console.log(
        JSON.stringify(
          {
            kind: advice.kind,
            grant_types: advice.grantTypes,
            client_type: advice.clientType,
            token_endpoint_auth_method: advice.tokenEndpointAuthMethod,
            pkce: advice.pkce,
            token_settings: advice.tokenSettings,
            security_profile: advice.securityProfile,
            pushed_authorization_requests: advice.pushedAuthorizationRequests,
            dpop: advice.dpop,
            reasons: advice.reasons,
            warnings: advice.warnings,
          },
          null,
          2,
        ),
      )
      return
    }
    const { tokenSettings: tokens } = advice
    console.log(
      [
        `Recommended: ${advice.kind} (${advice.clientType} client)`,
        `  grant types:  ${advice.grantTypes.join(', ')}`,
        `  client auth:  ${advice.tokenEndpointAuthMethod}${advice.pkce ? ', with PKCE (S256)' : ''}`,
        `  access token: ${formatDuration(tokens.accessTokenTtl)}`,
        `  refresh:      ${tokens.refresh ? `rotated on every use, idle ${formatDuration(tokens.refresh.idleTtl)}, at most ${formatDuration(tokens.refresh.absoluteTtl)}` : 'none'}`,
        ...(advice.securityProfile === null
          ? []
          : [
              `  profile:      ${advice.securityProfile}${advice.pushedAuthorizationRequests ? ', pushed requests (PAR)' : ''}${advice.dpop ? ', DPoP-bound tokens' : ''}`,
            ]),
        '',
        'Why:',
        ...advice.reasons.map((reason) => `  - ${reason}`),
        ...(advice.warnings.length > 0
          ? ['', 'Warnings:', ...advice.warnings.map((warning) => `  ! ${warning}`)]
          : []),
        ...(['web', 'spa', 'native', 'device', 'service'].includes(advice.kind)
          ? [
              '',
              `Create it with: keyward clients create --kind ${advice.kind} --name "..."${advice.kind === 'service' || advice.kind === 'device' ? '' : ' --redirect-uris ...'}${advice.securityProfile === null ? '' : ` --profile ${advice.securityProfile} --auth-method private_key_jwt --jwks <public-keys.json>`}`,
            ]
          : []),
        ...(advice.kind === 'agent'
          ? [
              '',
              'Let agents register themselves: KEYWARD_CLIENT_ID_METADATA_DOCUMENTS=any (or the domains you trust)',
              'and/or KEYWARD_REGISTRATION_POLICY=open; register each MCP server or API they reach with',
              'keyward resources create --identifier <its URL> --name "..." --scopes ... (examples/mcp).',
            ]
          : []),
      ].join('\n'),
    )
  })
}
