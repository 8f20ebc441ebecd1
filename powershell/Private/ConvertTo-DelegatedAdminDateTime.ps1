function ConvertTo-DelegatedAdminDateTime {
    <#
    .SYNOPSIS
    Normalizes a date from a native result to a UTC [datetime], or $null.

    .DESCRIPTION
    Windows PowerShell 5.1's ConvertFrom-Json leaves ISO 8601 dates as strings, while PowerShell 7's converts
    them to [datetime]; both become a UTC [datetime] here so that comparisons and output are the same everywhere.

    .PARAMETER Value
    A string (ISO 8601 / RFC 3339), a [datetime], a [DateTimeOffset] or $null.

    .OUTPUTS
    System.DateTime (Kind Utc) or $null.
    #>
    [CmdletBinding()]
    [OutputType([datetime])]
    param(
        [Parameter(Mandatory = $true)]
        [AllowNull()]
        [AllowEmptyString()]
        [object] $Value
    )

    if ($null -eq $Value) {
        return $null
    }
    if ($Value -is [DateTimeOffset]) {
        return $Value.UtcDateTime
    }
    if ($Value -is [datetime]) {
        if ($Value.Kind -eq [DateTimeKind]::Local) {
            return $Value.ToUniversalTime()
        }
        return [datetime]::SpecifyKind($Value, [DateTimeKind]::Utc)
    }
    $text = [string]$Value
    if ([string]::IsNullOrWhiteSpace($text)) {
        return $null
    }
    $parsed = [DateTimeOffset]::MinValue
    $styles = [System.Globalization.DateTimeStyles]::AssumeUniversal -bor [System.Globalization.DateTimeStyles]::AllowWhiteSpaces
    if ([DateTimeOffset]::TryParse($text, [System.Globalization.CultureInfo]::InvariantCulture, $styles, [ref]$parsed)) {
        return $parsed.UtcDateTime
    }
    Write-Verbose ("DelegatedAdmin: '{0}' is not a date; kept as text." -f $text)
    return $null
}
