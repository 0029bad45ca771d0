/** The room every user is in, which the compat routes and compat sockets read and write. */
export const GENERAL_ROOM_ID = 1;
