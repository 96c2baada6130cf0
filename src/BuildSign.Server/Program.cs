return await BuildSign.Server.Hosting.ServerCommandLine.RunAsync(args).ConfigureAwait(false);
