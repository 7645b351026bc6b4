export { createMailer, type Mail, type Mailer } from './mailer';
export { composeEmail, escapeHtml, quoted } from './compose';
export { listDeliveries, listInbox, findInboxMessage, type Delivery, type OutboxMessage, type Reader as MailReader } from './store';
export { wantsMail, keepWanting, getNotificationChoices, setNotificationChoices, type NotificationChoices } from './preferences';
export { NOTIFICATION_EVENTS, type NotificationEvent } from '$lib/mail/notifications';
