// Detection set: real-looking credentials (generated at run time, so no live-looking secret sits in the
// repository) and phone numbers in many national formats; plus ordinary status messages that must pass.
import { generateKeyPairSync } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decideContent, describeFindings, findContent, findPhoneNumbers, type Finding } from "../../src/policy/content.js";
import { contactRegions } from "../../src/policy/regions.js";
import type { ContactPolicy } from "../../src/policy/settings.js";

function randomChars(n: number, alphabet: string, seed: number): string {
  let x = seed;
  let out = "";
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out += alphabet[(x >>> 8) % alphabet.length];
  }
  return out;
}
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const r = (n: number, seed: number, alphabet = ALNUM) => randomChars(n, alphabet, seed);

const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const URLSAFE = `${ALNUM}_-`;
const b64 = (text: string) => Buffer.from(text).toString("base64");
const AWS_ID = `AKIA${r(16, 300, B32).replace(/^.{3}/, "7QZ")}`;

const PEM_BODY = Array.from({ length: 8 }, (_, i) => r(64, 100 + i, `${ALNUM}+/`)).join("\n");

const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 });
const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });

const SECRETS: [label: RegExp, text: string][] = [
  // Formats from gitleaks' rule set and vendor docs (issue 21).
  [/Google OAuth client secret/, `client_secret: GOCSPX-${r(28, 201, `${ALNUM}_-`)}`],
  [/SendGrid/, `SENDGRID=SG.${r(22, 202, `${ALNUM}_-`)}.${r(43, 203, `${ALNUM}_-`)}`],
  [/OpenAI/, `key sk-proj-${r(74, 204, `${ALNUM}_-`)}T3BlbkFJ${r(74, 205, `${ALNUM}_-`)}`],
  [/Stripe webhook/, `whsec_${r(32, 206)}`],
  [/AWS secret access key/, `aws_secret_access_key: ${r(40, 207, `${ALNUM}/+`)}`],
  [/password in a URL/, `broker amqp://guest:${r(12, 208)}@mq.internal:5672/`],
  [/password in a URL/, `cache redis://:${r(16, 209)}@redis.internal:6379/0`],
  [/Telegram bot token/, `https://api.telegram.org/bot${r(10, 210, "0123456789")}:AA${r(33, 211, `${ALNUM}_-`)}/sendMessage`],
  [/GitLab/, `glpat-${r(20, 212, `${ALNUM}_-`)}`],
  [/Discord/, `discord bot token ${r(24, 213, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz").replace(/^./, "M")}.${r(6, 214, `${ALNUM}_-`)}.${r(38, 215, `${ALNUM}_-`)}`],
  [/PyPI/, `pypi-AgEIcHlwaS5vcmc${r(70, 216, `${ALNUM}_-`)}`],
  [/DigitalOcean/, `dop_v1_${r(64, 217, "0123456789abcdef")}`],
  [/AWS access key/, `AKIA ${r(4, 218, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")} ${r(4, 219, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")} ${r(4, 220, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")} ${r(4, 221, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}`],
  [/AWS access key/, `key AKIA${r(8, 222, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}\n${r(8, 223, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")} ok`],
  [/AWS access key/, `key \u0410KIA${r(16, 224, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}`],
  [/secret/, `the secret is ${r(32, 225, `${ALNUM}_-`)}`],
  [/secret|token/, `here's my api key: ${r(40, 226, `${ALNUM}_-`)}`],
  [/JSON Web Token/, `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0\n.${r(43, 227, `${ALNUM}_-`)}`],
  [/Google API key/, `maps key=AIza${r(35, 228, `${ALNUM}_-`)}`],
  [/base64/, `encoded: ${Buffer.from(`ghp_${r(36, 229)}`).toString("base64")}`],
  [/private key/, `key:\n${rsa.privateKey.export({ type: "pkcs1", format: "pem" }) as string}`],
  [/private key/, ec.privateKey.export({ type: "pkcs8", format: "pem" }) as string],
  [/private key/, ec.privateKey.export({ type: "sec1", format: "pem" }) as string],
  [/AWS access key/, `creds: AKIA${r(16, 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")} for prod`],
  [/AWS secret access key/, `aws_secret_access_key = ${r(40, 2, `${ALNUM}/+`)}`],
  [/GitHub token/, `use token ghp_${r(36, 3)} to push`],
  [/GitHub token/, `github_pat_${r(22, 4)}_${r(59, 5)}`],
  [/Slack token/, `slack bot xoxb-${r(11, 6, "0123456789")}-${r(13, 7, "0123456789")}-${r(24, 8)}`],
  [/Slack webhook URL/, `post to https://hooks.slack.com/services/T${r(8, 9, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")}/B${r(8, 10, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")}/${r(24, 11)}`],
  [/Stripe secret key/, `STRIPE_KEY=sk_live_${r(24, 12)}`],
  [/Stripe secret key/, `restricted rk_live_${r(24, 13)}`],
  [/Anthropic API key/, `ANTHROPIC_API_KEY=sk-ant-api03-${r(93, 14, `${ALNUM}_-`)}AA`],
  [/OpenAI API key/, `key sk-proj-${r(58, 15, `${ALNUM}_-`)}T3BlbkFJ${r(58, 16, `${ALNUM}_-`)}`],
  [/private key/, `-----BEGIN OPENSSH PRIVATE KEY-----\n${PEM_BODY}\n-----END OPENSSH PRIVATE KEY-----`],
  [/private key/, `here:\n-----BEGIN RSA PRIVATE KEY-----\n${PEM_BODY}\n-----END RSA PRIVATE KEY-----\n`],
  [/private key/, `-----BEGIN PRIVATE KEY-----\n${PEM_BODY}\n-----END PRIVATE KEY-----`],
  [/database connection string/, `DATABASE_URL=postgres://app:${r(16, 17)}@db.internal.example.com:5432/prod`],
  [/database connection string/, `mysql://root:${r(12, 18)}@10.1.2.3:3306/shop`],
  [/database connection string/, `mongodb+srv://admin:${r(14, 19)}@cluster0.example.mongodb.net/test`],
  [/npm token/, `//registry.npmjs.org/:_authToken=npm_${r(36, 20)}`],
  // Kinds the preset misses (issue 10.3), each in the form the vendor documents.
  [/JSON Web Token/, `Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.${Buffer.from(JSON.stringify({ sub: r(12, 30), iat: 1732895123 })).toString("base64url")}.${r(43, 31, `${ALNUM}_-`)}`],
  [/Google API key/, `maps key AIza${r(35, 32, `${ALNUM}_-`)} works`],
  [/Google service-account key/, `{"type": "service_account", "project_id": "acme-prod", "private_key_id": "${r(40, 33, "0123456789abcdef")}", "client_email": "ci@acme-prod.iam.gserviceaccount.com"}`],
  [/Azure connection string/, `DefaultEndpointsProtocol=https;AccountName=acmeprod;AccountKey=${r(86, 34, `${ALNUM}+/`)}==;EndpointSuffix=core.windows.net`],
  [/Azure connection string/, `Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${r(43, 35, `${ALNUM}+/`)}=`],
  [/Azure client secret/, `AZURE_CLIENT_SECRET=${r(3, 36)}8Q~${r(34, 37, `${ALNUM}_~.-`)}`],
  [/Telegram bot token/, `bot token 7123456789:AA${r(33, 38, `${ALNUM}_-`)}`],
  [/Hugging Face token/, `HF_TOKEN=hf_${r(34, 39, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")}`],
  [/Twilio API key/, `twilio SK${r(32, 40, "0123456789abcdef")} with secret`],
  [/SendGrid key/, `SENDGRID_API_KEY=SG.${r(22, 41, `${ALNUM}_-`)}.${r(43, 42, `${ALNUM}_-`)}`],
  [/password/, `db password=${r(14, 43)}`],
  [/password/, `passwd: "${r(10, 44)}!x"`],
  [/password/, `password=$ecret${r(8, 49)}`],
  [/password/, `POSTGRES_PASSWORD=${r(16, 50)}`],
  [/token/, `TWILIO_AUTH_TOKEN=${r(32, 45, "0123456789abcdef")}`],
  [/token/, `api_key: ${r(40, 46, "0123456789abcdef")}`],
  [/private key/, `the key body:\n${(rsa.privateKey.export({ type: "pkcs8", format: "der" }) as Buffer).toString("base64").replace(/.{64}/g, "$&\n")}`],
  [/private key/, `sec1 ${(ec.privateKey.export({ type: "sec1", format: "der" }) as Buffer).toString("base64")}`],
  [/private key/, `pkcs1 ${(rsa.privateKey.export({ type: "pkcs1", format: "der" }) as Buffer).toString("base64")}`],
  // Issue 21, as an attacker writes them: each provider's format in the places it is pasted from,
  // and the disguises (spaced, dotted, split with indentation, look-alike letters, base64 of every kind).
  [/Google API key/, `https://maps.googleapis.com/maps/api/js?key=AIza${r(35, 301, URLSAFE)}&callback=init`],
  [/Google API key/, `GOOGLE_API_KEY="AIza${r(35, 302, URLSAFE)}"`],
  [/Google OAuth client secret/, `{"client_id":"1234.apps.googleusercontent.com","client_secret":"GOCSPX-${r(28, 303, URLSAFE)}"}`],
  [/Azure client secret/, `the app secret is ${r(3, 304)}7Q~${r(31, 305, `${ALNUM}_~.`)}`],
  [/Azure client secret/, `value: "${r(3, 306)}8Q~${r(34, 307, `${ALNUM}_~.-`)}"`],
  [/SendGrid/, `apikey=SG.${r(22, 308, URLSAFE)}.${r(43, 309, URLSAFE)}`],
  [/OpenAI/, `OPENAI_API_KEY=sk-proj-${r(156, 310, URLSAFE)}`],
  [/OpenAI/, `use sk-svcacct-${r(120, 311, URLSAFE)}`],
  [/secret/, `token: ${r(40, 312, URLSAFE)}`],
  [/AWS access key/, `id ${[...AWS_ID].join(" ")}`],
  [/AWS access key/, `id ${AWS_ID.replace(/(.{4})(?!$)/g, "$1.")}`],
  [/AWS access key/, `key ${AWS_ID.slice(0, 12)}\r\n    ${AWS_ID.slice(12)}`],
  [/AWS access key/, `${AWS_ID.slice(0, 8)}\n\n${AWS_ID.slice(8)}`],
  [/AWS access key/, `AK\u0406\u0410${AWS_ID.slice(4)}`],
  [/AWS access key/, `key ${AWS_ID.slice(0, 10)}\u041c${AWS_ID.slice(11)}`],
  [/AWS access key in base64/, `blob ${b64(`aws_access_key_id=${AWS_ID}`)}`],
  [/GitHub token in base64/, Buffer.from(`token ghp_${r(36, 313)}`).toString("base64url")],
  [/in base64/, `twice ${b64(b64(`ghp_${r(36, 314)}`))}`],
  [/in base64/, `wrapped:\n${b64(`the key is ${AWS_ID} ok`).replace(/.{20}/g, "$&\n")}`],
  [/Telegram bot token/, `curl api.telegram.org/bot${r(9, 315, "0123456789")}:AA${r(33, 316, URLSAFE)}/getMe`],
  [/Stripe webhook/, `STRIPE_WEBHOOK_SECRET=whsec_${r(40, 317)}`],
  [/AWS secret access key/, `"AWS_SECRET_ACCESS_KEY": "${r(40, 318, `${ALNUM}/+`)}"`],
  [/AWS secret access key/, `aws secret access key: ${r(40, 319, `${ALNUM}/+`)}`],
  [/password in a URL/, `AMQP_URL=amqps://svc:${r(20, 320)}@rabbit.example.com/vhost`],
  [/password in a URL/, `rediss://default:${r(24, 321)}@redis.example.com:6380`],
  [/JSON Web Token/, `eyJhbGciOiJIUzI1NiJ9.\neyJzdWIiOiIxMjM0NTY3ODkwIn0.\n${r(43, 322, URLSAFE)}`],
  [/JSON Web Token/, `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIx\nMjM0NTY3ODkwIn0.${r(43, 323, URLSAFE)}`],
  [/GitLab/, `GITLAB_TOKEN=glpat-${r(20, 324, URLSAFE)}`],
  [/GitLab/, `runner glrt-${r(20, 325, URLSAFE)}`],
  [/secret/, `client secret = ${r(24, 345)}`],
  [/Discord bot token/, `DISCORD_TOKEN=N${r(25, 326)}.${r(6, 327, URLSAFE)}.${r(27, 328, URLSAFE)}`],
  [/Discord webhook URL/, `https://discord.com/api/webhooks/${r(18, 329, "0123456789")}/${r(68, 330, URLSAFE)}`],
  [/PyPI/, `password = pypi-AgEIcHlwaS5vcmc${r(120, 331, URLSAFE)}`],
  [/DigitalOcean/, `DO_TOKEN=doo_v1_${r(64, 332, "0123456789abcdef")}`],
  [/GitHub token in base64/, `hex ${Buffer.from(`ghp_${r(36, 333)}`).toString("hex")}`],
  [/AWS access key in base64/, Buffer.from(`AWS key ${AWS_ID}`).toString("hex").toUpperCase()],
  [/Telegram bot token/, `bot token ${r(10, 334, "0123456789")}: AA${r(33, 335, URLSAFE)}`],
  [/GitHub token/, `https://x.example/cb?token=ghp%5F${r(36, 336)}`],
  [/GitHub token/, `token ghp&#95;${r(36, 337)}`],
  [/GitHub token written in pieces/, `ghp_${r(36, 338).replace(/(.{8})/g, "$1 ")} to push`],
  [/Google API key written in pieces/, `key AIza${r(35, 339, URLSAFE).replace(/(.{10})/g, "$1 ")} thanks`],
  // The same secrets hidden: zero-width characters and fullwidth letters.
  [/GitHub token/, `token ghp_${r(18, 3)}\u200B${r(18, 47)}`],
  [/AWS access key/, `ＡＫＩＡ${r(16, 48, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}`],
];

// Loose readings that ordinary text could give too: they ask (confirm) even where secrets block.
const GUESSES: string[] = [
  `password is Xk9${r(9, 340)}`,
  "My password is Tr0ub4dor&3x!",
  "the passphrase is q7$Lm2!vR9#z",
  `pw: ${r(14, 341)}`,
  `secret key ${r(30, 342)}`,
  `the wifi password is ${r(6, 343)}#7${r(3, 344)}`,
];

const PHONES = [
  // Issue 21, as an attacker writes them (national form, words, look-alikes, mixed, reversed, dashes,
  // JSON without +, percent-encoded, split over prose, base64).
  "plus one two one two five five five zero one seven three",
  "+1 two one two five five five zero one seven three",
  "my number is two one two, five five five, oh one seven three",
  "call one-two-one-two-five-five-five-zero-one-seven-three",
  "ONE TWO ONE TWO FIVE FIVE FIVE ZERO ONE SEVEN THREE is my cell",
  "+1 2l2 555 Ol73",
  "+1 2I2 555 0I73",
  "call +l 2l2 SSS Ol73",
  "+27 B2 l23 4S67",
  "+1 two1two 555 oh one 73",
  "+1 212 five5five 01seven3",
  "text twelve twelve 555 0173",
  "call double two one two, five five five, oh one seven three",
  "reversed: 3710 555 212 1+",
  "read it right to left: 7654 321 28 72+",
  "+27—82—123—4567",
  "+44 – 7700 – 900123",
  "+1 212 ‒ 555 ‒ 0173",
  '{"msisdn":447700900123}',
  '[{"n":"4915112345678"}]',
  "https://x.example/?q=%2B14155550123",
  "see %2B44%207700%20900123",
  "link ?to=%2b4915112345678&x=1",
  "+1 212 then 555 then 0173",
  "first +44 7700, then 900123",
  "area 212, exchange 555, line 0173",
  "hit me up 212 555 0173",
  "(212)5550173",
  "reach me: 212-5550173",
  `payload ${b64("+1 212 555 0173")}`,
  `b64: ${b64("call +27 82 123 4567")}`,
  `hex ${Buffer.from("+27 82 123 4567").toString("hex")}`,
  "+2️⃣7️⃣8️⃣2️⃣1️⃣2️⃣3️⃣4️⃣5️⃣6️⃣7️⃣",
  "dial 011 44 7700 900123",
  "&#43;27 82 123 4567",
  "+27&nbsp;82&nbsp;123&nbsp;4567",
  "+27/82/123/4567",
  "+1_212_555_0173",
  "Nummer: null eins sieben sechs eins zwei drei vier fünf sechs sieben",
  "mi número: cero ocho dos, uno dos tres, cuatro cinco seis siete",
  // Obscured forms (issue 21): bare national digits, words, look-alikes, reversed, JSON, %2B, em dashes, split.
  "text me at 2127365000 tonight",
  "my cell is two one two seven three six five zero zero zero",
  "phone: 2l2 736 5OOO",
  "number backwards: 0005637212",
  '{"name": "Ann", "phone": "27821234567"}',
  "https://example.com/contact?tel=%2B27821234567",
  "reach her on 212—736—5000",
  "the number starts 212 736 and ends with 5000",
  "call me on +27 82 123 4567",
  "her number is 082 123 4567",
  "US office (212) 736-5000",
  "NYC 212-736-5000",
  "UK: 020 7946 0958",
  "UK mobile 07700 900123",
  "intl +44 20 7946 0958",
  "Berlin 030 12345678",
  "Berlin +49 30 901820",
  "FR 01 42 68 53 00",
  "IN 098765 43210",
  "BR (11) 91234-5678",
  "AU 0412 345 678",
  "dial 00 27 82 123 4567",
  "+1-415-555-2671",
  "wa.me/+4915112345678",
  // Invented numbers are only *possible*, not valid: what the incident's agent wrote.
  "call +1 555 123 4567 after 5",
  "UK mobile +44 7700 900123",
  "+1 (555) 010-9999",
  // Other scripts' digits, fullwidth forms, invisible characters, line breaks.
  "＋２７ ８２ １２３ ４５６７",
  "+٢٧ ٨٢ ١٢٣ ٤٥٦٧",
  "+۲۷ ۸۲ ۱۲۳ ۴۵۶۷",
  "+२७ ८२ १२३ ४५६७",
  "+27\u200B82\u200C123\u200D4567",
  "+27 82\u00AD123\u2060 4567",
  "his number is +44 7700\n900123, call him",
  "+27 82 123\r\n4567",
  // Links.
  "chat on wa.me/4915112345678 today",
  "whatsapp://send?phone=27821234567&text=hi",
  "https://api.whatsapp.com/send?phone=4915112345678",
  "<a href=\"tel:0821234567\">call</a>",
  "sms:+15551234567",
];

const CLEAN = [
  "Call the retry after build 20261122 finishes; ticket number 48213 is closed.",
  "Text sizes 12, 14 and 16 look fine; contact form latency p99 was 230 ms over 1200 requests.",
  "Release 2026.11.22 is number one on the list; one or two reviewers, three at most.",
  "The secret is out: we ship the new dashboard on Friday.",
  "Token refresh works again; see https://docs.openclaw.ai/gateway/configuration for the settings.",
  "Image digest sha256 pinned; artifact build-2026-11-22 uploaded.",
  "Connect with amqp://mq.internal:5672/ (no credentials in the URL, they come from the vault).",
  "Encoded header was SGVsbG8sIHRoaXMgaXMganVzdCBhIGdyZWV0aW5nLg== which is just a greeting.",
  "The API key is stored in the vault under payments/prod, not in the repo.",
  "Deploy finished: build 20261122 passed, 0 failures.",
  "PR #1234 merged into main; CI green.",
  "Upgraded Claude Code to version 2.1.330.",
  "Deployed at 14:32 UTC, rollback window 30 min.",
  "Ticket JIRA-48213 closed.",
  "12 tests failed out of 1500, looking into it.",
  "Order 4500012345 shipped today.",
  "Report: https://example.com/reports/12345678",
  "Latency p95 is 1234 ms after the change.",
  "Reverted commit 8f43434 because of a flaky test.",
  "Release 2026-11-22 is tagged.",
  "Invoice INV-000123 sent to accounting.",
  "sha256 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824 matches.",
  "Meeting in room 101, floor 3.",
  "Imported 1,234,567 rows in 42 s.",
  "ETA 3 days for the migration.",
  "Gateway listens on port 18789.",
  "Memory went from 530 MB to 120 MB.",
  "The API key rotation is scheduled for Friday.",
  "Use the token from the vault, not from chat.",
  "password reset emails are working again",
  "Connection string moved to the secrets manager.",
  "Uptime 99.95% this month.",
  "Coverage is at 87.3%.",
  "Build #5521 took 6m 12s.",
  "Rolled out to 25% of users.",
  "Customer id cus_ABC is fine now.",
  "Fixed the bug in parsePhoneNumber().",
  "Lunch at 12:30?",
  "The cron runs at 0 3 * * *.",
  "Disk usage 52G of 252G.",
  "Node v24.21.0 is installed.",
  "Ping me when the PR is ready.",
  "See docs/setup.md section 4.2.",
  "Ran 596 benign commands, all allowed.",
  "Error rate dropped from 1.2% to 0.3%.",
  "Merged 3 PRs: #101, #102, #103.",
  "Backup 2026-11-21T23:00Z completed.",
  "Added 10 contacts to the address book.",
  "Q3 revenue report is in the shared drive.",
  // Developer status updates as agents write them: versions, dates, order numbers, times,
  // percentages, build ids, commit hashes, durations, sizes, ports, and words like key and token.
  "Bumped typescript 5.9.3 -> 6.0.3 and vitest 4.0.18 -> 4.1.12; all 1532 tests pass.",
  "Release v2026.9.6 tagged at 2026-09-06 14:05:33 UTC (build 20260906.3).",
  "CI run #48213907 green in 12m 41s; artifact id 3381092274.",
  "Order #4500012345-0001 is delayed, new ETA 2026-12-03 09:00 CET.",
  "Customer order 1002934871 refunded (EUR 129.90).",
  "Merged a1b2c3d4e5f60718293a4b5c6d7e8f9012345678 into release/2026.11.",
  "Cherry-picked 9f86d08 and 3c59dc0 onto the hotfix branch.",
  "Head is now 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824 (sha256 of the tarball).",
  "Docker image ghcr.io/acme/api@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 deployed.",
  "p50 82 ms, p95 310 ms, p99 1.2 s after the cache change (+12% throughput).",
  "Error budget burn +3.5% today, 41.2% of the month left.",
  "Bundle size went from 1,204,331 to 1,187,902 bytes (-1.4%).",
  "Migration 20261129_1432_add_index ran in 00:03:17.",
  "Standup moved to 09:30-09:45 on 2026/12/01.",
  "Build 2026.11.29.1507 failed on step 7 of 12: lint.",
  "Jenkins job 18734 finished at 23:59:59, exit code 137 (OOM).",
  "Rows: 12345678 read, 1234567 written, 0 rejected.",
  "Invoice 2026-004417 paid; PO 7700900123 closed.",
  "Ticket SUP-1234567 escalated to tier 2.",
  "Node 20.20.2 and 24.21.0 both pass; Python 3.12.7 too.",
  "Load average 4.76 4.66 2.18 on the 2-core runner.",
  "Disk at 91% (233G of 256G), cleaned 40 GB of old builds.",
  "Rate limit raised from 30/h to 60/h for the staging key.",
  "The API key for staging was rotated; new one is in the vault.",
  "Token refresh now happens every 3600 s instead of 900 s.",
  "Password policy: at least 12 characters, rotated every 90 days.",
  "Set password: see the 1Password entry 'staging db' (not pasted here).",
  "auth: switched to OIDC, the old basic auth is gone.",
  "Webhook secret is configured via the SECRET_NAME env var now.",
  "Coordinates 52.5200, 13.4050 are in the fixture.",
  "UUID 123e4567-e89b-12d3-a456-426614174000 is the tenant id.",
  "Version bumped to 1.2.3+build.4567890.",
  "Test suite: 4 201 passed, 3 skipped, 0 failed in 98.4 s.",
  "Memory: RSS 86 MB after 30 sends; heap 41.7 MB.",
  "Timestamps 1732895123 and 1732895124 differ by one second.",
  "Port 18789 open, pid 40213, uptime 3d 04:12:55.",
  "Coverage 87.31% lines, 79.02% branches (+0.4 pp).",
  "Queue depth peaked at 12 000 messages around 02:14.",
  "Backlog: 17 issues, 4 PRs, 2 releases pending.",
  "Fixed the flaky test (seed 1977263418) by pinning the clock.",
  "ISBN 978-3-16-148410-0 added to the catalogue fixture.",
  "The IBAN check now rejects DE00 0000 0000 0000 0000 00.",
  "Sprint 47 ends 12.12.2026; demo at 15:00.",
  "Pushed 3 commits: 5e8f1a2, 77c0d3b, e91f6c4.",
  "Score went +1234 points in the benchmark (v2 vs v1).",
  "Lighthouse: performance 98, accessibility 100, SEO 92.",
  "Deployment 2026-11-29T22:43:27Z rolled out to 100% (3/3 regions).",
  "Upgraded openssl to 3.0.15-1~deb12u1.",
  "Tested with phone field validation; no real numbers in fixtures.",
  "Deployed at 2026-11-29 14:32:05 +0000, diff +1234567 -89 bytes.",
  "Timezone offsets +0100 and -0500 are both handled.",
  "The service reads password=$DB_PASSWORD from the environment.",
  "CI uses password: ${{ secrets.DB_PASSWORD }} and passwd=${PASSWD}.",
  "Login form: password: ******** (masked in the screenshot).",
  // Near misses of issue 21's readings: counting prose, "plus", signed figures, ids next to phone
  // words, JSON ids and timestamps, base64 of harmless text, keywords before ordinary words,
  // hashes, UUIDs, dates, upper-case prose after an AWS prefix, wrapped lines.
  "Count with me: one two three four five, then stop.",
  "Countdown: nine eight seven six five four three two one zero, liftoff!",
  "one, two, three, four, five, six, seven, eight, nine, ten: the kids counted to ten",
  "Plus one for this idea; plus two if we ship it by Friday.",
  "twenty twenty-six was a good year; nineteen ninety-nine too.",
  "Call the API twice: once at 09:15 and again at 21:45 on 2026-12-08.",
  "Text me when build 2026112212 finishes.",
  "Text me when job 4158839201 is done.",
  "Please call after the 3 o'clock meeting, room 4512, floor 12, building 7.",
  "Throughput went up +12% (from 1,204 to 1,349 req/s), latency -8%.",
  "Score +1234, streak +56, rank 7890.",
  "Diff: +1204 -331 lines in 12 files.",
  "Coordinates: +52.5200, +13.4050 (Berlin).",
  "Temperature +21.5 C, humidity 45%, pressure 1013 hPa.",
  "Version 1.2.3+build.20261208 is the one to ship.",
  "The number of retries is 3, timeout 30 s, backoff 2x.",
  '{"id": 48213907, "build": "20261122", "ts": 1732895123000}',
  '{"order_id": "33612345678", "total": 129.90}',
  '{"to": "ops@example.com", "subject": "weekly report"}',
  "https://example.com/search?q=release%202026.12&page=2",
  "https://example.com/items?id=48213907123&sort=desc",
  `Encoded greeting: ${b64("Hello, this is just a friendly greeting.")}`,
  `Config blob ${b64('{"theme":"dark","fontSize":14}')}`,
  `Header value ${b64("user-agent: curl/8.5.0")}`,
  `base64 of the release notes title: ${b64("Release notes for December 2026")}`,
  "The password is stored in the vault, never in chat.",
  "My password is correct, the login failed for another reason.",
  "Token: expired; refresh it with the CLI (see docs).",
  "The secret key rotation happens every 90 days.",
  "Password policy: minimum 12 characters, including a digit.",
  "API key: see the 1Password entry 'staging' (not pasted here).",
  "Pass the flag --max-old-space-size=4096 to node.",
  "pwd: /home/runner/work/openclaw-guard",
  "token: ${{ secrets.NPM_TOKEN }} in the workflow",
  "access key rotation is done; new ones live in Secrets Manager.",
  "credentials: managed by the OIDC provider now",
  "The passcode field is optional in the form.",
  "The secret ingredient is love.",
  "the token is valid for 3600 seconds",
  "auth code flow uses PKCE now; see RFC 7636.",
  "commit 3f786850e387550fdab836ed7e6dc881de23001b and a1b2c3d",
  "UUIDs 550e8400-e29b-41d4-a716-446655440000 and 6ba7b810-9dad-11d1-80b4-00c04fd430c8",
  "sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709, md5 d41d8cd98f00b204e9800998ecf8427e",
  "Order 7700900123 and order 2125550199 were merged into one shipment.",
  "Invoice #2125550173 was paid.",
  "Released 2026.12.08 (build 20261208.1432), node 24.21.0, npm 11.6.2.",
  "Dates: 2026-12-08, 08/12/2026, 12.08.2026, Dec 8 2026.",
  "The ASIA PACIFIC SALES TEAM met in Q3.",
  "AKIA is the prefix AWS uses for long-term key ids.",
  "The JWT header is eyJhbGciOiJIUzI1NiJ9 for HS256.",
  "Line one\nline two\nline three with 12 items",
  "first paragraph ends here\n\nsecond paragraph starts with Release 2.1.3",
  "Meet at gate B12, seat 14C, flight LH 400 departs 13:05.",
  "The S3 bucket and the B2 bucket both hold 1500 objects, 20 GB.",
  "His lucky numbers are 4, 8, 15, 16, 23 and 42.",
  "ISBN 978-0-306-40615-7 and ISSN 2049-3630.",
  "Reversed the list: 9, 8, 7, 6, 5, 4, 3, 2, 1.",
  "Backwards compatibility with 2.x is kept; exchange rate 1.0842.",
  "Extension 4.2.1 of the spec; area 51 jokes aside.",
  "Um, call me later about the 2 PRs.",
  "Dos and don'ts: one, two, three; see section 4.2.",
  "Die Nummer der Bestellung ist 4500012345.",
  "Die Bestellnummer ist 4500012345, Lieferung am 12.12.2026.",
  "Le numéro de commande est 20261208-0042.",
  "El número de pedido es 1002934871.",
  "Ruf mich an, wenn Build 20261208 fertig ist.",
  "Tom &amp; Jerry &#8212; 2 episodes, 45 min.",
  "0x48656c6c6f20776f726c64 is hex for a greeting.",
  "Counting in German: eins, zwei, drei, vier, fünf.",
  "Un, deux, trois, nous irons au bois.",
  "uno dos tres cuatro cinco seis siete ocho nueve: the song",
  "call returned null, null, null and then 3 errors",
  "Phone battery at 12%, 3 tabs open, signal 4/5.",
  "Call sign ALPHA-1, waypoint 2 of 10, altitude +1200 ft.",
  "text field max length 255, min 1; number input step 0.01.",
  "Our mobile app v3.14.159 has 26535 users in 89 countries.",
  "reach 100000 users by Q4; contact form conversions +2.5%.",
  "Flight +1 day: lands 06:40 on 2026-12-09.",
  "The ticket count went +1 then +2 then +3 over three days.",
  "sk-learn is great for this, and AIza is the prefix Google uses for API keys.",
  "The eyJ prefix means base64 JSON follows; ghp_ marks a GitHub token, SG. a SendGrid key.",
  "ASIA PACIFIC TEAM 2 SALES OFFICE opened; AKIA IS NOT A WORD.",
];

const policy = (over: Partial<ContactPolicy["content"]> = {}): ContactPolicy["content"] => ({ secrets: "block", phoneNumbers: "confirm", deny: [], maxLength: 4000, ...over });
const REGIONS = ["US", "GB", "DE", "FR", "IN", "BR", "ZA", "AU"] as const;
const find = (text: string, over?: Partial<ContactPolicy["content"]>) => findContent(text, policy(over), [...REGIONS]);

describe("content detection set", () => {
  it.each(SECRETS)("finds %s and blocks without echoing it", async (label, text) => {
    const findings = await find(text);
    const secrets = findings.filter((f) => f.kind === "secret");
    expect(secrets.length, `no secret found in: ${text.slice(0, 40)}`).toBeGreaterThan(0);
    expect(secrets.map((f) => f.label).join("; ")).toMatch(label);
    const decision = decideContent(findings, policy());
    expect(decision.action).toBe("block");
    if (decision.action !== "allow") {
      expect(decision.reason).toMatch(/at characters \d+-\d+/);
      for (const f of secrets) expect(decision.reason).not.toContain(text.slice(f.start, f.end));
    }
  });

  it.each(PHONES)("finds the phone number in %j and asks for confirmation", async (text) => {
    const findings = await find(text);
    expect(findings.filter((f) => f.kind === "phone-number")).toHaveLength(1);
    expect(decideContent(findings, policy()).action).toBe("confirm");
    expect(decideContent(findings, policy({ phoneNumbers: "block" })).action).toBe("block");
    expect(decideContent(await find(text, { phoneNumbers: "off" }), policy({ phoneNumbers: "off" })).action).toBe("allow");
  });

  it.each(GUESSES)("asks before sending the password-like word in %j, never blocks it silently", async (text) => {
    const findings = await find(text);
    expect(findings.filter((f) => f.kind === "secret" && f.guess)).toHaveLength(1);
    expect(decideContent(findings, policy()).action).toBe("confirm");
    expect(decideContent(findings, policy({ secrets: "confirm" })).action).toBe("confirm");
    expect(decideContent(await find(text, { secrets: "off" }), policy({ secrets: "off" })).action).toBe("allow");
  });

  it("reads national numbers in the regions of the book's own contacts", async () => {
    const kenyan = contactRegions([{ target: "+254711000000" }]);
    expect(kenyan).toContain("KE");
    expect((await findContent("ok: 0712 345678 tonight", policy(), kenyan)).filter((f) => f.kind === "phone-number")).toHaveLength(1);
  });

  it("finds a number however its digits are rendered: look-alike letters, words, any dash, percent-encoded +", () => {
    const LOOK = { "0": ["O", "o"], "1": ["l", "I"], "5": ["S"], "8": ["B"] } as Record<string, string[]>;
    const WORD = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];
    const group = (digits: string) =>
      fc.oneof(
        fc.tuple(...[...digits].map((d) => fc.constantFrom(d, ...(LOOK[d] ?? [])))).map((cs) => cs.join("")),
        fc.tuple(...[...digits].map((d) => fc.constantFrom(WORD[Number(d)]!, WORD[Number(d)]!.toUpperCase())), fc.constantFrom(" ", "-")).map((ws) => ws.slice(0, -1).join(ws.at(-1) as string)),
      );
    const rendered = fc
      .constantFrom(["1", "212", "555", "0173"], ["27", "82", "123", "4567"], ["44", "7700", "900123"], ["49", "30", "901820"])
      .chain((groups) => fc.tuple(fc.constantFrom("+", "plus ", "%2B", "\uFF0B"), fc.tuple(...groups.map(group)), fc.constantFrom(" ", "-", "\u2014", " \u2013 ", ", ", "  ")))
      .map(([plus, parts, sep]) => `${plus}${parts.join(sep)}`);
    fc.assert(
      fc.property(fc.constantFrom("", "it is ", "ok: "), rendered, fc.constantFrom("", " tonight", ", thanks"), (before, number, after) => {
        const text = `${before}${number}${after}`;
        expect(findPhoneNumbers(text, []), JSON.stringify(text)).toHaveLength(1);
      }),
      { numRuns: 300 },
    );
  });

  it("lets ordinary status messages through, and reports the false-positive rate", async () => {
    const flagged: string[] = [];
    for (const text of CLEAN) if ((await find(text)).length > 0) flagged.push(text);
    const rate = flagged.length / CLEAN.length;
    console.info(`content checks: ${SECRETS.length} secrets, ${GUESSES.length} guesses, ${PHONES.length} phone numbers; false positives ${flagged.length}/${CLEAN.length} (${(rate * 100).toFixed(1)}%)`, flagged);
    expect(flagged).toEqual([]);
  });
});

describe("decideContent", () => {
  it("names kind and 1-based position: 'an AWS access key at characters 18-37'", async () => {
    const text = `prod credentials AKIA${r(16, 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")} ok`;
    const decision = decideContent(await find(text), policy());
    expect(decision).toMatchObject({ action: "block", reason: "The message contains an AWS access key at characters 18-37. Remove it and send again, or ask the human to send it." });
  });

  it("secrets: confirm asks, off ignores", async () => {
    const text = `token ghp_${r(36, 3)}`;
    expect(decideContent(await find(text, { secrets: "confirm" }), policy({ secrets: "confirm" })).action).toBe("confirm");
    expect(decideContent(await find(text, { secrets: "off" }), policy({ secrets: "off" })).action).toBe("allow");
  });

  it("deny patterns and maxLength always block, and a block wins over a confirm", async () => {
    const deny = [{ pattern: /project\s+falcon/iu, name: "policy.content.deny[0]" }];
    const findings = await find("Project  FALCON ships Friday, call +27 82 123 4567", { deny });
    const decision = decideContent(findings, policy({ deny }));
    expect(decision).toMatchObject({ action: "block", reason: expect.stringMatching(/the deny pattern policy\.content\.deny\[0\] at characters 1-15/) });
    if (decision.action !== "allow") expect(decision.reason, "the pattern holds the code name: never quoted").not.toMatch(/falcon/i);
    const long = decideContent(await find("x".repeat(11), { maxLength: 10 }), policy({ maxLength: 10 }));
    expect(long).toMatchObject({ action: "block", reason: expect.stringMatching(/longer than 10 characters/) });
    expect(decideContent(await find("x".repeat(10), { maxLength: 10 }), policy({ maxLength: 10 })).action).toBe("allow");
  });

  it("describes several findings in order", () => {
    const findings: Finding[] = [
      { kind: "secret", label: "a GitHub token", start: 0, end: 40 },
      { kind: "phone-number", label: "a phone number", start: 50, end: 62 },
    ];
    expect(describeFindings(findings)).toBe("a GitHub token at characters 1-40 and a phone number at characters 51-62");
  });
});
