/** The longest comment or reply, checked by the server and offered by the form's maxlength. */
export const MAX_BODY_LENGTH = 5000;
