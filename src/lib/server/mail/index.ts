export { createMailer, type Mail, type Mailer } from './mailer';
export { composeEmail, escapeHtml } from './compose';
export { listForOrganization as listOutbox, findForOrganization as findOutboxMessage, type OutboxMessage } from './store';
