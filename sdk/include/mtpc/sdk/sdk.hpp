// Everything a plugin author includes.
#pragma once
#include "mtpc/sdk/abi.h"
#include "mtpc/sdk/descriptor.hpp"
#include "mtpc/sdk/linear_resolve_schedule.hpp"
#include "mtpc/sdk/manifold.hpp"
#include "mtpc/sdk/optimizer.hpp"
#include "mtpc/sdk/plugin.hpp"
#include "mtpc/sdk/radial_parameterization.hpp"
#include "mtpc/sdk/types.hpp"
