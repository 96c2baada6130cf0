namespace BuildSign.Core.Api;

/// <summary>The version of the result shapes (<see cref="SignResult"/>, <see cref="VerifyResult"/>).</summary>
public static class ResultSchema
{
    /// <summary>Raised only when a field changes meaning or goes away; added fields keep the version.</summary>
    public const int Version = 1;
}
