namespace BuildSign.Cli.Commands.GitHubAction;

/// <summary>
/// Hands the action's secrets to Core the way Core reads them: a PKCS#11 PIN through an
/// environment variable the key string names (<c>pin-source=env:…</c>), a signing-service
/// credential (the <c>token</c> input, or the job's OIDC token) through <c>BUILDSIGN_TOKEN</c>.
/// Secrets stay in this process's environment; they are never put in a key string, a log line or
/// a file.
/// </summary>
internal sealed class ActionCredentials(RunnerEnvironment runner, WorkflowCommands log, Action<string, string> setEnvironment)
{
    /// <summary>The variable the <c>pin</c> input is handed to Core in.</summary>
    public const string PinVariable = "BUILDSIGN_ACTION_PIN";

    /// <summary>The variable a signing-service key reads its credential from.</summary>
    public const string TokenVariable = "BUILDSIGN_TOKEN";

    /// <summary>
    /// Reads the secret inputs and registers each with the runner as a secret. Called before
    /// anything else reads or prints an input, so no later line can show one.
    /// </summary>
    public static ActionSecrets MaskSecrets(ActionInputs inputs, RunnerEnvironment runner, WorkflowCommands log)
    {
        var secrets = new ActionSecrets(inputs.Text("pin"), inputs.Text("token"), inputs.Text("github-token"), runner.Value(TokenVariable));
        foreach (var secret in new[] { secrets.Pin, secrets.Token, secrets.GitHubToken, secrets.EnvironmentToken })
        {
            if (secret is not null)
            {
                log.AddMask(secret);
            }
        }
        return secrets;
    }

    /// <summary>The key string with the PIN's source added when the <c>pin</c> input gives the PIN; problems go to <paramref name="inputs"/>.</summary>
    public string PrepareKey(string key, ActionSecrets secrets, ActionInputs inputs)
    {
        var isPkcs11 = key.StartsWith("pkcs11:", StringComparison.OrdinalIgnoreCase);
        var isService = key.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        if (secrets.Token is not null && !isService && key.Length > 0)
        {
            inputs.Problem("token", "is a signing-service credential and applies only to https:// keys");
        }
        if (secrets.Pin is null)
        {
            return key;
        }
        if (!isPkcs11)
        {
            inputs.Problem("pin", "applies only to pkcs11: keys");
            return key;
        }
        if (key.Contains("pin-source=", StringComparison.OrdinalIgnoreCase) || key.Contains("pin-value=", StringComparison.OrdinalIgnoreCase))
        {
            inputs.Problem("pin", "is given, but the key already says where its PIN comes from (pin-source); give only one of them");
            return key;
        }
        setEnvironment(PinVariable, secrets.Pin);
        return key + (key.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "pin-source=env:" + PinVariable;
    }

    /// <summary>
    /// For a signing-service key, makes the credential available to Core: the <c>token</c> input,
    /// a BUILDSIGN_TOKEN the workflow set itself, or else an OIDC token of the job for
    /// <paramref name="audience"/> (default: the service's origin).
    /// </summary>
    public async Task PrepareServiceCredentialAsync(string key, ActionSecrets secrets, string? audience, CancellationToken cancellationToken)
    {
        if (!key.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }
        if (secrets.Token is not null)
        {
            setEnvironment(TokenVariable, secrets.Token);
            log.Info("signing-service credential: the 'token' input");
            return;
        }
        if (secrets.EnvironmentToken is not null)
        {
            log.Info($"signing-service credential: {TokenVariable} from the workflow's environment");
            return;
        }
        if (!Uri.TryCreate(key, UriKind.Absolute, out var service))
        {
            return; // The signer reports what is wrong with the key string.
        }
        var forAudience = audience ?? service.GetLeftPart(UriPartial.Authority);
        var token = await new OidcTokenClient(runner, log).RequestAsync(forAudience, cancellationToken).ConfigureAwait(false);
        setEnvironment(TokenVariable, token);
        log.Info($"signing-service credential: the job's OIDC token (audience {forAudience})");
    }
}

/// <summary>The secret inputs of one run; none of them is ever printed.</summary>
internal sealed record ActionSecrets(string? Pin, string? Token, string? GitHubToken, string? EnvironmentToken)
{
    // A record's generated ToString would print the values.
    public override string ToString() => nameof(ActionSecrets);
}
