using BuildSign.Server.Identity;

namespace BuildSign.Server.Endpoints;

/// <summary>Authenticates every /v1 request before its handler runs, and hands the handler the <see cref="Caller"/>.</summary>
public static class CallerFilter
{
    private const string ItemKey = "buildsign.caller";

    /// <summary>Adds the filter to a route group.</summary>
    public static RouteGroupBuilder RequireCaller(this RouteGroupBuilder group)
    {
        ArgumentNullException.ThrowIfNull(group);
        group.AddEndpointFilter(async (context, next) =>
        {
            var authenticator = context.HttpContext.RequestServices.GetRequiredService<CallerAuthenticator>();
            var (caller, failure) = await authenticator.AuthenticateAsync(context.HttpContext).ConfigureAwait(false);
            if (failure is not null)
            {
                return failure;
            }
            context.HttpContext.Items[ItemKey] = caller;
            return await next(context).ConfigureAwait(false);
        });
        return group;
    }

    /// <summary>The authenticated caller of this request.</summary>
    public static Caller Caller(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items[ItemKey] as Caller ?? throw new InvalidOperationException("the endpoint is not behind the caller filter");
    }

    /// <summary>The client's address for audit records.</summary>
    public static string ClientAddress(this HttpContext context) => context?.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
