namespace BuildSign.Server;

/// <summary>Error answers: JSON <c>{"error": "…"}</c> with one clear sentence, never a secret.</summary>
public static class ApiErrors
{
    /// <summary>An error with a status code.</summary>
    public static IResult Status(int status, string message) => Results.Json(new ErrorResponse(message), statusCode: status);

    /// <summary>400 for a malformed or invalid request.</summary>
    public static IResult BadRequest(string message) => Status(StatusCodes.Status400BadRequest, message);

    /// <summary>
    /// 404 for a key, subscriber or token that does not exist or that the caller may not know of: the
    /// two are answered alike so that nothing is learned about other subscribers.
    /// </summary>
    public static IResult NotFound(string what) => Status(StatusCodes.Status404NotFound, $"no such {what}");

    /// <summary>403 for a caller whose role may not do this at all.</summary>
    public static IResult Forbidden(string message) => Status(StatusCodes.Status403Forbidden, message);
}

/// <summary>The error body.</summary>
public sealed record ErrorResponse(string Error);
