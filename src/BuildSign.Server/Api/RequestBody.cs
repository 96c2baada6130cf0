using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace BuildSign.Server.Api;

/// <summary>Reads a JSON body with the service's size limit, turning every bad body into one clear 4xx.</summary>
public static class RequestBody
{
    /// <summary>The parsed body and its raw bytes, or the error to answer.</summary>
    public static async Task<(T? Value, byte[] Raw, IResult? Error)> ReadAsync<T>(HttpContext context) where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        byte[] raw;
        try
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
            raw = buffer.ToArray();
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, [], ApiErrors.Status(StatusCodes.Status413PayloadTooLarge, "the request body is larger than the service allows"));
        }
        if (raw.Length == 0)
        {
            return (null, raw, ApiErrors.BadRequest("the request has no JSON body"));
        }
        try
        {
            var options = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
            var value = JsonSerializer.Deserialize<T>(raw, options);
            return value is null ? (null, raw, ApiErrors.BadRequest("the request body is null")) : (value, raw, null);
        }
        catch (JsonException ex)
        {
            var where = ex.Path is { Length: > 1 } path ? $" at {path}" : "";
            return (null, raw, ApiErrors.BadRequest($"the request body is not valid JSON for this request{where}"));
        }
    }
}
