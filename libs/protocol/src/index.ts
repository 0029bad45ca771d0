export * from './models';
export * from './text-rules';
export * from './client-frames';
export * from './server-frames';
export * from './asyncapi';
export * from './frame-check';
export * from './mentions';
export * from './moderation-rules';
