using BuildSign.Cli;

return await BuildSignCommandLine.RunAsync(args);
