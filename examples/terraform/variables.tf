variable "location" {
  type        = string
  description = "Location of every resource."
  default     = "westeurope"
}

variable "resource_group_name" {
  type    = string
  default = "rg-avd-finance"
}

variable "host_pool_name" {
  type        = string
  description = "Name of the pooled host pool."
  default     = "hp-finance-pooled"
}

variable "session_host_count" {
  type    = number
  default = 2
}

variable "vm_name_prefix" {
  type        = string
  description = "Prefix of the session host VM names (at most 11 characters)."
  default     = "fin-avd"
}

variable "subnet_id" {
  type        = string
  description = "Resource id of the subnet the session hosts join."
}

variable "admin_username" {
  type = string
}

variable "admin_password" {
  type      = string
  sensitive = true
}

variable "avd_users_group_name" {
  type        = string
  description = "Display name of the Entra group of the finance users."
  default     = "AVD Finance Users"
}
